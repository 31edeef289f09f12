// Loading a scenario: a path to a YAML or JSON file, or the name of one shipped in
// scenarios/. Parse errors and schema errors both name the file.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { packageRoot } from '../util/package-root.ts';
import { parse as parseYaml } from 'yaml';
import { FaultlineError, fail } from '../util/errors.ts';
import { validateScenario, type Scenario } from './schema.ts';

export const scenariosDir = join(packageRoot, 'scenarios');
export const defaultScenarioName = 'default-storm';

export function shippedScenarios(): string[] {
  return readdirSync(scenariosDir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

export function resolveScenarioPath(ref: string): string {
  if (existsSync(ref)) return ref;
  for (const ext of ['.yaml', '.yml', '.json']) {
    const p = join(scenariosDir, `${ref}${ext}`);
    if (existsSync(p)) return p;
  }
  return fail('FAULTLINE_SCENARIO_NOT_FOUND', `no scenario file '${ref}' and no shipped scenario of that name; shipped: ${shippedScenarios().join(', ')}`);
}

export function parseScenarioText(text: string, source: string): Scenario {
  let doc: unknown;
  try {
    doc = extname(source) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    fail('FAULTLINE_SCENARIO_PARSE', `${source}: not valid ${extname(source) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return validateScenario(doc, 'scenario');
  } catch (err) {
    if (err instanceof FaultlineError) throw new FaultlineError(err.code, `${source}: ${err.message.replace(/^FAULTLINE_[A-Z_]+: /, '')}`, err.detail);
    throw err;
  }
}

export function loadScenario(ref: string = defaultScenarioName): { scenario: Scenario; path: string } {
  const path = resolveScenarioPath(ref);
  return { scenario: parseScenarioText(readFileSync(path, 'utf8'), path), path };
}
