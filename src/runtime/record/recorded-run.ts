// Recorded threaded runs of nested scenarios, at the command line's level: what a recording
// file carries besides the run (the resolved scenario, seed, bug toggles, machines mode and
// worker grouping), saving it, and replaying it into the same report the recorded run gave.

import type { MachinesMode } from '../../machines/mode.ts';
import { buildNestedReport, type NestedReport } from '../../report/nested-report.ts';
import { workerPlacement } from '../threads/layout.ts';
import { readRecordFile, recordFormatVersion, writeRecordFile } from './record-file.ts';
import type { RunRecording } from './recording.ts';
import { replayRecording, type ReplayResult } from './replay-runtime.ts';
import { nestedTopology } from '../../scenario/nested-topology.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { parseScenarioText } from '../../scenario/load.ts';
import { fail } from '../../util/errors.ts';

export interface RecordMeta {
  kind: 'faultline-nested-threads';
  scenario: Scenario;
  /** How the user named the scenario. */
  source: string;
  seed: number;
  bugs: string[];
  machines: MachinesMode;
  workers: 'each' | number;
}

/** The replay line of a recorded run: the recording alone reproduces it. */
export function recordReplayLine(path: string): string {
  return `faultline replay --record ${/\s/.test(path) ? JSON.stringify(path) : path}`;
}

export function saveRecording(path: string, meta: Omit<RecordMeta, 'kind'>, run: RunRecording): number {
  return writeRecordFile(path, { format: recordFormatVersion, meta: { kind: 'faultline-nested-threads', ...meta }, run });
}

export interface RecordedReplay {
  meta: RecordMeta;
  report: NestedReport;
  result: ReplayResult;
}

export function replayRecordFile(path: string): RecordedReplay {
  const file = readRecordFile<RecordMeta>(path);
  const meta = file.meta;
  if (meta?.kind !== 'faultline-nested-threads') fail('FAULTLINE_RECORD_FORMAT', `recording ${path} is not a nested-scenario threaded run (kind ${String(meta?.kind)})`);
  // Validated by today's schema (a recorded scenario is already resolved, so this changes nothing
  // unless the schema did: then the topology check or the steps tell).
  let scenario: Scenario;
  try {
    scenario = parseScenarioText(JSON.stringify(meta.scenario), `the scenario recorded in ${path}`);
  } catch (err) {
    return fail('FAULTLINE_REPLAY_DIVERGED', `before step 0: ${(err as Error).message}; the recording was made with other code`);
  }
  const { topology } = nestedTopology(scenario, meta.workers);
  const result = replayRecording(topology, file.run, { machines: meta.machines });
  const report = buildNestedReport(
    { scenario: scenario.name, runtime: 'threads', seed: meta.seed, workers: result.workers, timeScale: scenario.threads.timeScale ?? 1, placement: workerPlacement(topology) },
    { actors: result.actors, channels: result.channels, marks: result.marks, stopReason: result.stopReason, elapsedMs: result.wallMs, checker: result.checker },
    { replay: recordReplayLine(path), requiredMarks: scenario.marks },
  );
  return { meta, report, result };
}
