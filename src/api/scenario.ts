// Opening a scenario for a run: a shipped name, a file path or a Scenario object, with the
// caller's changes (overrides, duration, bug toggles, seed, time scale) applied through the
// scenario schema, so a change can never make a scenario the file itself could not be.

import { bugToggles, mainlineBugs, type BugToggle, type MainlineBug } from '../scenario/bugs.ts';
import { defaultScenarioName, loadScenario, shippedScenarios } from '../scenario/load.ts';
import { parseSetOption, resolveScenario, type ScenarioOverride } from '../scenario/overrides.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface ScenarioChanges {
  /** `path=value` overrides of scenario keys (`iommu.prqEntries=64`, `devices.0.pasids=[1,2]`). */
  set?: readonly string[];
  /** scenario.durationMs */
  durationMs?: number;
  /** Bug toggles added to the scenario's own (see `bugToggles`). */
  bugs?: readonly string[];
  /** scenario.seed: the seed of every random choice of the run. */
  seed?: number;
  /** scenario.threads.timeScale */
  timeScale?: number;
  /** scenario.threads.workers: 'each' (one worker per tier) or the number of workers the tiers are grouped into. */
  workers?: 'each' | number;
}

/** How an option is named in messages: `options.durationMs` for API callers, `--duration-ms` on the command line. */
export type OptionName = (key: string) => string;
export const apiOptionName: OptionName = (key) => `options.${key}`;

export interface OpenedScenario {
  /** The resolved scenario: every default filled in, every change applied and checked. */
  scenario: Scenario;
  /** How the scenario was named (a shipped name or a file path), for replay lines. */
  source: string;
}

const changePaths: readonly [keyof ScenarioChanges, string][] = [
  ['durationMs', 'durationMs'],
  ['seed', 'seed'],
  ['timeScale', 'threads.timeScale'],
  ['workers', 'threads.workers'],
];

/** The overrides a set of changes stands for, in the order they apply. */
export function overridesOf(base: Scenario, changes: ScenarioChanges, name: OptionName = apiOptionName): ScenarioOverride[] {
  const overrides = (changes.set ?? []).map(parseSetOption);
  for (const [key, path] of changePaths) {
    const value = changes[key];
    if (value !== undefined) overrides.push({ path, value, option: `${name(key)} ${String(value)}` });
  }
  const bugs = [...base.bugs];
  for (const b of changes.bugs ?? []) {
    if (bugs.includes(b)) continue;
    bugs.push(b);
    overrides.push({ path: 'bugs', value: [...bugs], option: `${name('bugs')} ${b}` });
  }
  return overrides;
}

/** Load (or take) a scenario and apply the changes; a bad file or change throws FaultlineError naming it. */
export function openScenario(input: string | Scenario = defaultScenarioName, changes: ScenarioChanges = {}, name: OptionName = apiOptionName): OpenedScenario {
  const base = typeof input === 'string' ? loadScenario(input).scenario : input;
  const source = typeof input === 'string' ? input : base.name;
  return { scenario: resolveScenario(base, overridesOf(base, changes, name)), source };
}

export interface ScenarioListing {
  name: string;
  description: string;
}

/** The scenarios shipped in scenarios/, with their descriptions. */
export function listScenarios(): ScenarioListing[] {
  return shippedScenarios().map((name) => ({ name, description: loadScenario(name).scenario.description }));
}

export { bugToggles, defaultScenarioName, mainlineBugs };
export type { BugToggle, MainlineBug, Scenario, ScenarioOverride };

/** Option names as the command line spells them: `durationMs` → `--duration-ms`, `bugs` → `--bug`. */
export const cliOptionName: OptionName = (key) => (key === 'bugs' ? '--bug' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
