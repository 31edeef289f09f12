// One candidate of a shrink: a run of a scenario with a seed, and either the finding's own
// strategy or a schedule replayed step by step (src/runtime/sim/step-replay.ts: a choice that no
// longer fits takes its default, so a candidate's own recorded choices are what is kept), and
// optionally a step limit, judged by whether the target invariant still fails. An actor error is
// not the failure being shrunk, so such a candidate is rejected; nor is one the shrink's own
// guards (steps, wall clock) cut off. Every run notes its step layout, so its recorded schedule
// splits into steps (choices.ts parseSchedule).

import type { InvariantId } from '../../check/types.ts';
import type { NestedReport } from '../../report/nested-report.ts';
import { runNested } from '../../runtime/nested-run.ts';
import { decodeChoices, parseSchedule, type StepSchedule } from '../../runtime/sim/choices.ts';
import type { StrategySpec } from '../../runtime/sim/strategy-spec.ts';
import type { Scenario } from '../../scenario/schema.ts';

export interface Trial {
  scenario: Scenario;
  seed: number;
  /** Replay this schedule step by step (past its end: the defaults); absent: the seed's strategy. */
  schedule?: StepSchedule;
  /** The seed's strategy when no schedule is given (absent: random). */
  strategy?: StrategySpec;
  /** Stop the run after this many steps (part of the repro). */
  stopAtStep?: number;
  /** A candidate longer than this many steps is no shrink: it is stopped there and rejected. */
  stepsMax?: number;
  /** A candidate still running after this long (wall clock) is stopped and rejected. */
  wallMsMax?: number;
}

export interface TrialOutcome {
  /** The target invariant was violated. */
  fails: boolean;
  /** Invariants violated in this run. */
  failed: InvariantId[];
  /** Scheduler steps the run took. */
  steps: number;
  /** The trial's step limit, when the run stopped there. */
  stopAtStep?: number;
  /** The schedule the run made (every step), split into steps. */
  schedule: StepSchedule;
  report: NestedReport | null;
  error?: string;
}

/** The invariants a report says were violated, in id order. */
export function failedInvariants(r: NestedReport): InvariantId[] {
  return (r.checker?.invariants ?? []).filter((v) => v.ok === false).map((v) => v.id);
}

export async function runTrial(t: Trial, target: InvariantId, source: string): Promise<TrialOutcome> {
  let layout: number[] = [];
  try {
    const report = await runNested(t.scenario, {
      runtime: 'sim',
      seed: t.seed,
      source,
      metrics: false,
      chains: 'never',
      recordSchedule: true,
      onStepLayout: (l) => void (layout = l),
      ...(t.schedule !== undefined ? { steps: t.schedule } : t.strategy !== undefined ? { strategy: t.strategy } : {}),
      ...(t.stopAtStep !== undefined ? { maxSteps: t.stopAtStep } : t.stepsMax !== undefined ? { maxSteps: t.stepsMax } : {}),
      ...(t.wallMsMax !== undefined ? { wallClockCapMs: Math.max(1, t.wallMsMax) } : {}),
    });
    // Cut off by a guard of the shrink's, not by the repro's own step limit: not a smaller failing run.
    const cutOff = report.stopReason === 'wall-clock-cap' || (report.stopReason === 'max-steps' && t.stopAtStep === undefined);
    const schedule = parseSchedule(decodeChoices(report.schedule ?? ''), layout);
    const failed = failedInvariants(report);
    const stopped = report.stopReason === 'max-steps' && t.stopAtStep !== undefined ? { stopAtStep: t.stopAtStep } : {};
    return { fails: !cutOff && failed.includes(target), failed, steps: report.steps ?? schedule.steps.length, ...stopped, schedule, report };
  } catch (err) {
    return { fails: false, failed: [], steps: 0, schedule: { withDelays: false, steps: [] }, report: null, error: err instanceof Error ? err.message : String(err) };
  }
}
