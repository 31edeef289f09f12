// One task of a seed exploration: one whole deterministic run of a scenario with one seed,
// boiled down to a small structured-clonable summary. The same function runs in the main
// thread (sequential exploration) and in a Piscina worker (explore-worker.mjs), so both give
// the same summary for a seed.

import { runNested, replayLine } from '../runtime/nested-run.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { InvariantId } from '../check/types.ts';

export interface SeedTask {
  /** The resolved scenario (overrides and bug toggles applied). */
  scenario: Scenario;
  /** The scenario as the user named it (a shipped name or a file path), for the replay line. */
  source: string;
  seed: number;
}

export interface SeedViolation {
  invariant: InvariantId;
  ghosts: number[];
  /** The violation's message: its first line in the report. */
  first: string;
}

export interface SeedSummary {
  seed: number;
  /** No checker violation, no failed end-of-run check and no error (coverage marks are judged across seeds). */
  ok: boolean;
  violations: SeedViolation[];
  /** Per invariant: violations found (kept and dropped ones are not told apart here). */
  failedInvariants: Partial<Record<InvariantId, number>>;
  /** Failed end-of-run checks other than coverage marks, as "name: detail". */
  failedChecks: string[];
  traceHash: string;
  marks: Record<string, number>;
  stopReason: string;
  /** An actor threw (the run could not finish): its message. An error outcome, never a finding. */
  error?: string;
  replay: string;
  wallMs: number;
}

export async function runSeedTask(task: SeedTask): Promise<SeedSummary> {
  const { scenario } = task;
  const t0 = performance.now();
  try {
    const r = await runNested(scenario, { runtime: 'sim', seed: task.seed, source: task.source });
    const violations = (r.checker?.violations ?? []).map((v) => ({ invariant: v.invariant, ghosts: [...v.ghosts], first: v.message }));
    const failedInvariants: SeedSummary['failedInvariants'] = {};
    for (const inv of r.checker?.invariants ?? []) {
      if (inv.ok === false) failedInvariants[inv.id] = inv.violations;
    }
    const failedChecks = r.checks.filter((c) => !c.ok && !c.name.startsWith('coverage: mark')).map((c) => `${c.name}: ${c.detail}`);
    return {
      seed: task.seed,
      ok: violations.length === 0 && failedChecks.length === 0,
      violations,
      failedInvariants,
      failedChecks,
      traceHash: r.traceHash ?? '',
      marks: { ...r.marks },
      stopReason: r.stopReason,
      replay: r.replay,
      wallMs: performance.now() - t0,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      seed: task.seed,
      ok: false,
      violations: [],
      failedInvariants: {},
      failedChecks: [],
      traceHash: '',
      marks: {},
      stopReason: 'actor-failed',
      error: message,
      replay: replayLine(scenario, task.seed, task.source),
      wallMs: performance.now() - t0,
    };
  }
}

export default runSeedTask;
