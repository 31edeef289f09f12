// Writing a run's outputs from the API: `runScenario(…, { out: DIR })` writes them after the
// run, or `writeRunOutputs(report, dir, scenario)` for a report in hand. The folder is checked
// before a run starts (checkOutDir): it may exist (files in it are replaced) or be created in
// an existing, writable parent. What each file holds: src/report/outputs/ and the README.

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { NestedReport } from '../report/nested-report.ts';
import { writeOutputs } from '../report/outputs/write-outputs.ts';
import type { Scenario } from '../scenario/schema.ts';
import { fail } from '../util/errors.ts';
import { version } from './version.ts';

export { outputFiles } from '../report/outputs/write-outputs.ts';

/** trace.json's window when outputs are asked for: the run's first this many check events. */
export const traceEventsDefault = 20_000;

const statOf = (p: string): ReturnType<typeof statSync> | undefined => {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
};

/** Refuse an output folder that cannot be written, naming the option, before anything runs. */
export function checkOutDir(option: string, dir: string): void {
  if (typeof dir !== 'string' || dir === '') fail('FAULTLINE_CLI_OPTION', `${option} needs a folder path`);
  const full = resolve(dir);
  const st = statOf(full);
  if (st !== undefined && !st.isDirectory()) fail('FAULTLINE_CLI_OPTION', `${option} ${dir}: is a file; give a folder (it is created when missing)`);
  const parent = st !== undefined ? full : dirname(full);
  const pst = statOf(parent);
  if (pst === undefined) fail('FAULTLINE_CLI_OPTION', `${option} ${dir}: the folder ${parent} does not exist; create it first or choose another path`);
  if (!pst.isDirectory()) fail('FAULTLINE_CLI_OPTION', `${option} ${dir}: ${parent} is not a folder`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    fail('FAULTLINE_CLI_OPTION', `${option} ${dir}: the folder ${parent} is not writable`);
  }
}

/**
 * Write summary.json, metrics.csv, trace.json and report.html for a run into `dir` (created
 * when missing); returns the paths written. `scenario` is the resolved scenario the run used
 * (openScenario(...).scenario). trace.json has slices and flows only when the run kept a trace
 * window (runScenario with `out`, or `metrics: { traceEventsMax }`).
 */
export function writeRunOutputs(report: NestedReport, dir: string, scenario: Scenario): string[] {
  return writeOutputs(dir, report, scenario, version);
}
