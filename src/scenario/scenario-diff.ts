// The overrides that turn one scenario into another, as `path=value` texts for --set: what a
// replay line must carry so that a run with overrides replays as it ran. Objects and equal-length
// lists are compared key by key, so the texts name leaves (`iommu.prqEntries=64`,
// `devices.0.pasids=[1,2]`) rather than whole sections. A tagged form whose tag changed (a
// distribution's `dist`, an arrival's `process`, a pattern's `kind`) is set whole: its keys
// depend on the tag, so key-by-key sets would leave the old form's keys behind.

const tags = ['dist', 'process', 'kind'];

/** `path=value` texts (values as compact JSON, which YAML reads back) from `base` to `changed`, skipping `skip` paths. */
export function scenarioSets(base: unknown, changed: unknown, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (skip.includes(path)) return;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b);
    const retagged = bothObjects && tags.some((t) => (a as Record<string, unknown>)[t] !== (b as Record<string, unknown>)[t]);
    const sameShape = bothObjects && !retagged && (!Array.isArray(a) || (a as unknown[]).length === (b as unknown[]).length);
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
