// summary.json: a run's report as data, with what is needed to trust and reproduce it — a
// schema name and version, faultline's and Node's versions, the core count, the resolved
// scenario (every default filled in) and the seed. The trace window (trace.json's input) and
// histogram bucket arrays of actor state are left out; the metrics' latency buckets stay.

import os from 'node:os';
import type { Scenario } from '../../scenario/schema.ts';
import type { NestedReport } from '../nested-report.ts';

export const summarySchema = 'faultline.run-summary';
export const summarySchemaVersion = 1;

export interface RunSummary {
  schema: typeof summarySchema;
  schemaVersion: number;
  faultline: string;
  node: string;
  cores: number;
  seed: number;
  scenario: Scenario;
  report: NestedReport;
}

export function runSummary(report: NestedReport, scenario: Scenario, faultlineVersion: string): RunSummary {
  return {
    schema: summarySchema,
    schemaVersion: summarySchemaVersion,
    faultline: faultlineVersion,
    node: process.version,
    cores: os.availableParallelism(),
    seed: report.seed,
    scenario,
    report,
  };
}

/** JSON text of a summary: without the trace window and actor-state histogram counts (as --json). */
export function summaryJson(s: RunSummary): string {
  return `${JSON.stringify(s, (k, v: unknown) => (k === 'counts' || k === 'traceWindow' ? undefined : v), 2)}\n`;
}
