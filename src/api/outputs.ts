// Writing a run's outputs from the API: `runScenario(…, { out: DIR })` writes them after the
// run, or `writeRunOutputs(report, dir, scenario)` for a report in hand. The folder is checked
// before a run starts (checkOutDir): it may exist (files in it are replaced) or be created in
// an existing, writable parent. What each file holds: src/report/outputs/ and the README.

import type { NestedReport } from '../report/nested-report.ts';
import { writeOutputs } from '../report/outputs/write-outputs.ts';
import type { Scenario } from '../scenario/schema.ts';
import { checkWritablePath } from '../util/writable-path.ts';
import { version } from './version.ts';

export { outputFiles } from '../report/outputs/write-outputs.ts';

/** trace.json's window when outputs are asked for: the run's first this many check events. */
export const traceEventsDefault = 20_000;

/** Refuse an output folder that cannot be written, naming the option, before anything runs. */
export function checkOutDir(option: string, dir: string): void {
  checkWritablePath(option, dir, 'folder');
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
