// One task of a sweep: one whole run of one grid point's resolved scenario with one seed,
// boiled down to its figures (src/report/run-figures.ts), structured-clonable. The same
// function runs in the calling thread and in a Piscina worker (sweep-worker.mjs), so a run's
// summary is the same wherever it ran.

import { runNested } from '../runtime/nested-run.ts';
import { runFigures } from '../report/run-figures.ts';
import type { SweepRun } from '../report/sweep-table.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface SweepTask {
  /** The point's resolved scenario (its overrides applied). */
  scenario: Scenario;
  source: string;
  /** The point's index in the grid. */
  point: number;
  seed: number;
  runtime: 'sim' | 'threads';
}

/** A run's summary: its point, seed, verdict and figures (the sweep table's row material). */
export type SweepRunSummary = SweepRun;

export async function runSweepTask(task: SweepTask, signal?: AbortSignal): Promise<SweepRunSummary> {
  const t0 = performance.now();
  try {
    const r = await runNested(task.scenario, { runtime: task.runtime, seed: task.seed, source: task.source, ...(signal !== undefined ? { signal } : {}) });
    // A required coverage mark is the scenario's purpose, not a verdict on a point: a point of a
    // sweep may well not reach it (a PRQ that never overflows), as a seed of an exploration may not.
    const failedChecks = r.checks.filter((c) => !c.ok && !c.name.startsWith('coverage: mark')).map((c) => c.name);
    const violations = r.checker?.violations.length ?? 0;
    return {
      point: task.point,
      seed: task.seed,
      ok: violations === 0 && failedChecks.length === 0,
      failedChecks,
      figures: runFigures(r),
      traceHash: r.traceHash ?? '',
      wallMs: performance.now() - t0,
    };
  } catch (err) {
    // An interruption is not a run's outcome: it stops the sweep.
    if ((err as { code?: string }).code === 'FAULTLINE_INTERRUPTED') throw err;
    const message = err instanceof Error ? err.message : String(err);
    return { point: task.point, seed: task.seed, ok: false, failedChecks: [], figures: {}, traceHash: '', error: message, wallMs: performance.now() - t0 };
  }
}

export default (task: SweepTask): Promise<SweepRunSummary> => runSweepTask(task);
