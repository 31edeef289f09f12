// Loading a scenario: a path to a YAML or JSON file, or the name of one shipped in
// scenarios/; with overrides (overrides.ts) applied to the document as written; then the
// schema (schema.ts) and the cross-field rules (cross-checks.ts). Every error names the file
// with the line and column of the key at fault, or the override that caused it.

import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { packageRoot } from '../util/package-root.ts';
import { FaultlineError, fail } from '../util/errors.ts';
import { excerpt } from '../util/excerpt.ts';
import { didYouMean } from '../util/suggest.ts';
import { checkScenarioConsistency } from './cross-checks.ts';
import { applyOverrides, overrideAt, type ScenarioOverride } from './overrides.ts';
import { parseText, scenarioBytesMax, type ParsedText } from './parse-text.ts';
import { validateScenario, type Scenario } from './schema.ts';
import { resolveTraceFile } from './trace-file.ts';

export const scenariosDir = join(packageRoot, 'scenarios');
export const defaultScenarioName = 'default-storm';

export interface LoadOptions {
  /** Applied in order to the document as written, before defaults and the schema. */
  overrides?: readonly ScenarioOverride[];
}

export function shippedScenarios(): string[] {
  return readdirSync(scenariosDir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function resolveScenarioPath(ref: string): string {
  const st = statOf(ref);
  if (st !== undefined) {
    if (st.isDirectory()) fail('FAULTLINE_SCENARIO_NOT_FOUND', `'${excerpt(ref)}' is a directory; give a scenario file (.yaml, .yml or .json) or the name of a shipped scenario`);
    if (!st.isFile()) fail('FAULTLINE_SCENARIO_NOT_FOUND', `'${excerpt(ref)}' is not a regular file; give a scenario file (.yaml, .yml or .json) or the name of a shipped scenario`);
    return ref;
  }
  for (const ext of ['.yaml', '.yml', '.json']) {
    const p = join(scenariosDir, `${ref}${ext}`);
    if (statOf(p)?.isFile()) return p;
  }
  const shipped = shippedScenarios();
  return fail('FAULTLINE_SCENARIO_NOT_FOUND', `no scenario file '${excerpt(ref)}' and no shipped scenario of that name${didYouMean(ref, shipped)}; shipped: ${shipped.join(', ')}`);
}

/** Parse, override, validate and cross-check the text of a scenario; `source` names it in messages (a `.json` source parses as JSON). */
export function parseScenarioText(text: string, source: string, options: LoadOptions = {}): Scenario {
  const parsed = parseText(text, source, extname(source) === '.json' ? 'json' : 'yaml');
  return validateDocument(parsed.value, options.overrides ?? [], { source, parsed });
}

export function loadScenario(ref: string = defaultScenarioName, options: LoadOptions = {}): { scenario: Scenario; path: string } {
  const path = resolveScenarioPath(ref);
  const size = statSync(path).size;
  if (size > scenarioBytesMax) fail('FAULTLINE_SCENARIO_TOO_LARGE', `${path}: ${size} bytes is larger than a scenario file may be (${scenarioBytesMax} bytes, 1 MiB)`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return fail('FAULTLINE_SCENARIO_READ', `cannot read scenario file ${path}: ${(err as Error).message}`);
  }
  return { scenario: parseScenarioText(text, path, options), path };
}

/**
 * An already resolved scenario with `overrides` applied, checked again from the start. With
 * no overrides it returns an equal scenario: resolving is idempotent.
 */
export function resolveScenario(scenario: Scenario, overrides: readonly ScenarioOverride[] = []): Scenario {
  return validateDocument(structuredClone(scenario), overrides, undefined);
}

function validateDocument(doc: unknown, overrides: readonly ScenarioOverride[], file: { source: string; parsed: ParsedText } | undefined): Scenario {
  const { doc: withOverrides, applied } = applyOverrides(doc, overrides);
  try {
    const scenario = validateScenario(withOverrides, 'scenario');
    checkScenarioConsistency(scenario);
    // A trace file is relative to the scenario file; one named by an override, to the working directory.
    const traceByOverride = overrideAt('scenario.workload.arrival.file', applied) !== undefined;
    return resolveTraceFile(scenario, file !== undefined && !traceByOverride ? dirname(file.source) : process.cwd());
  } catch (err) {
    const path = err instanceof FaultlineError ? err.detail?.path : undefined;
    if (!(err instanceof FaultlineError) || typeof path !== 'string') throw err;
    const message = err.message.replace(/^FAULTLINE_[A-Z_]+: /, '');
    const cause = overrideAt(path, applied);
    let where: string;
    if (cause !== undefined) where = `${cause.override.option}: `;
    else if (file !== undefined) where = `${file.source}:${file.parsed.locate(path, /: unknown key/.test(message) ? 'key' : 'value')}: `;
    else where = '';
    const also = cause === undefined && applied.length > 0 ? ` (with ${applied.map((a) => a.override.option).join(', ')})` : '';
    throw new FaultlineError(err.code, `${where}${message}${also}`, err.detail);
  }
}
