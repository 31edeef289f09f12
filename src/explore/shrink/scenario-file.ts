// A shrunk scenario as a YAML file `faultline run`/`replay` load: only the keys that differ
// from the schema's defaults, so the file shows what the failure needs. Written only when it
// loads back to the very scenario it came from (otherwise every key is written).

import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parseScenarioText } from '../../scenario/load.ts';
import { validateScenario, type Scenario } from '../../scenario/schema.ts';

/** The defaults a key is compared with: a scenario of one device with nothing else set. */
function defaults(): { top: Record<string, unknown>; device: Record<string, unknown> } {
  const d = validateScenario({ name: 'defaults', devices: [{ rid: 1 }] }, 'scenario') as unknown as Record<string, unknown>;
  return { top: d, device: (d.devices as Record<string, unknown>[])[0]! };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function without(o: Record<string, unknown>, base: Record<string, unknown>, keep: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (keep.includes(k) || !same(v, base[k])) out[k] = v;
  return out;
}

/** The scenario as a document of its non-default keys. */
export function scenarioDocument(s: Scenario): Record<string, unknown> {
  const { top, device } = defaults();
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as unknown as Record<string, unknown>)) {
    if (k === 'devices') doc[k] = (v as Record<string, unknown>[]).map((d) => without(d, device, ['rid']));
    else if (k === 'name' || k === 'durationMs' || k === 'seed') doc[k] = v;
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const section = without(v as Record<string, unknown>, top[k] as Record<string, unknown>);
      if (Object.keys(section).length > 0) doc[k] = section;
    } else if (!same(v, top[k])) doc[k] = v;
  }
  return doc;
}

/** YAML text for a scenario, with a comment header; the minimal form when it loads back equal. */
export function scenarioYaml(s: Scenario, header: readonly string[]): string {
  const comment = header.map((l) => `# ${l}\n`).join('');
  const minimal = comment + stringify(scenarioDocument(s));
  try {
    if (same(parseScenarioText(minimal, 'shrunk.yaml'), s)) return minimal;
  } catch {
    // fall through to the whole scenario
  }
  return comment + stringify(s);
}

export function writeScenarioYaml(path: string, s: Scenario, header: readonly string[]): void {
  writeFileSync(path, scenarioYaml(s, header));
}
