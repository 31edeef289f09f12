// The overrides that turn one scenario into another, as `path=value` texts for --set: what a
// replay line must carry so that a run with overrides replays as it ran. Objects and equal-length
// lists are compared key by key, so the texts name leaves (`iommu.prqEntries=64`,
// `devices.0.pasids=[1,2]`) rather than whole sections.

/** `path=value` texts (values as compact JSON, which YAML reads back) from `base` to `changed`, skipping `skip` paths. */
export function scenarioSets(base: unknown, changed: unknown, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (skip.includes(path)) return;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    // A distribution ({ dist, ... }) is one value: its keys depend on its kind, so it is set whole.
    const isLeaf = (v: unknown): boolean => typeof v === 'object' && v !== null && 'dist' in v;
    const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b) && !isLeaf(a) && !isLeaf(b);
    const sameShape = bothObjects && (!Array.isArray(a) || (a as unknown[]).length === (b as unknown[]).length);
    if (sameShape && (!Array.isArray(b) || (b as unknown[]).some((x) => typeof x === 'object' && x !== null))) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`);
      return;
    }
    out.push(`${path}=${JSON.stringify(b ?? null)}`);
  };
  walk(base, changed, '');
  return out;
}
