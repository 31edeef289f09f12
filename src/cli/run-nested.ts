// `faultline run <scenario>`: a nested IOPF scenario on threads or in the deterministic
// runtime, reported with its checks.

import { writeFileSync } from 'node:fs';
import { buildNestedReport, type NestedReport } from '../report/nested-report.ts';
import { runSim } from '../runtime/sim/sim-runtime.ts';
import { runThreaded } from '../runtime/threads/threaded-runtime.ts';
import { nestedTopology } from '../scenario/nested-topology.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface NestedRunOptions {
  runtime: 'threads' | 'sim';
  seed: number;
  workers?: 'each' | number;
  json?: string;
  /** Simulator: stop after this many steps (a guard against a workload that never ends). */
  maxSteps?: number;
}

export async function runNested(scenario: Scenario, o: NestedRunOptions): Promise<NestedReport> {
  const workers = o.workers ?? scenario.threads.workers;
  const { topology } = nestedTopology(scenario, workers);
  let report: NestedReport;
  if (o.runtime === 'sim') {
    const r = runSim(topology, { seed: o.seed, maxSteps: o.maxSteps ?? 200_000_000 });
    report = buildNestedReport({ scenario: scenario.name, runtime: 'sim', seed: o.seed, workers: null },
      { actors: r.actors, channels: r.channels, marks: r.marks, stopReason: r.stopReason, elapsedMs: r.virtualNs / 1e6 });
    report.traceHash = r.traceHash;
  } else {
    const r = await runThreaded(topology, { seed: o.seed, timeLimitMs: scenario.durationMs * 3 + 30_000 });
    report = buildNestedReport({ scenario: scenario.name, runtime: 'threads', seed: o.seed, workers: r.workers },
      { actors: r.actors, channels: r.channels, marks: r.marks, stopReason: r.stopReason, elapsedMs: r.wallMs });
  }
  if (o.json) writeFileSync(o.json, `${JSON.stringify(report, (k, v: unknown) => (k === 'counts' ? undefined : v), 2)}\n`);
  return report;
}
