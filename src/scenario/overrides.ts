// Overrides of a scenario's keys (`--set path=value`, `--duration-ms`, API options), applied to
// the scenario document and checked by the same schema as the file, so an override can never
// make a scenario the file itself could not be.

import { parse as parseYaml } from 'yaml';
import { FaultlineError, fail } from '../util/errors.ts';
import { validateScenario, type Scenario } from './schema.ts';

export interface ScenarioOverride {
  /** Dotted scenario path: `iommu.prqEntries`, `devices.0.pasids`. */
  path: string;
  value: unknown;
  /** How the user wrote it, for messages: `--set iommu.prqEntries=64`, `--duration-ms`. */
  option: string;
}

export function parseSetOption(text: string): ScenarioOverride {
  const eq = text.indexOf('=');
  if (eq <= 0) fail('FAULTLINE_CLI_OPTION', `--set ${text}: expected --set path=value (for example --set iommu.prqEntries=64)`);
  const path = text.slice(0, eq).replace(/\[(\d+)\]/g, '.$1');
  let value: unknown;
  try {
    value = parseYaml(text.slice(eq + 1));
  } catch {
    value = text.slice(eq + 1);
  }
  return { path, value, option: `--set ${text}` };
}

/** The scenario with the overrides applied, validated again as a whole. */
export function resolveScenario(scenario: Scenario, overrides: readonly ScenarioOverride[]): Scenario {
  let doc = structuredClone(scenario) as unknown as Record<string, unknown>;
  for (const o of overrides) {
    const keys = o.path.split('.');
    let at: Record<string, unknown> = doc;
    for (const k of keys.slice(0, -1)) {
      if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]!] = o.value;
    try {
      doc = validateScenario(doc, 'scenario') as unknown as Record<string, unknown>;
    } catch (err) {
      if (err instanceof FaultlineError) throw new FaultlineError(err.code, `${o.option}: ${err.message.replace(/^FAULTLINE_[A-Z_]+: /, '')}`, err.detail);
      throw err;
    }
  }
  return validateScenario(doc, 'scenario');
}
