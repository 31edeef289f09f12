// Which file a worker or a pool starts from. Built (dist/**/*.js), a sibling module is loaded
// as it is; from sources (.ts under tsx or vitest) a worker cannot start from a .ts file, so it
// starts from a plain .mjs shim that registers tsx first.

/** True when this code runs from TypeScript sources rather than the built JavaScript. */
export const runningFromSources = import.meta.url.endsWith('.ts');

/**
 * The URL a worker starts from for the module `name` beside `metaUrl`: `name.js` when built,
 * else `shim` (a .mjs path relative to `metaUrl` that registers tsx and imports `name.ts`).
 */
export function moduleBeside(metaUrl: string, name: string, shim: string): URL {
  return metaUrl.endsWith('.ts') ? new URL(shim, metaUrl) : new URL(`./${name}.js`, metaUrl);
}
