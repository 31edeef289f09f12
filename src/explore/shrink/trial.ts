// One candidate of a shrink: a run of a scenario with a seed, and optionally a schedule (past
// its end every choice is 0, and a choice that no longer fits becomes 0: the candidate's own
// recorded choices are what is kept) and a step limit, judged by whether the target invariant
// still fails. An actor error is not the failure being shrunk, so such a candidate is rejected;
// nor is one the shrink's own guards (steps, wall clock) cut off.

import type { InvariantId } from '../../check/types.ts';
import type { NestedReport } from '../../report/nested-report.ts';
import { runNested } from '../../runtime/nested-run.ts';
import { decodeChoices } from '../../runtime/sim/choices.ts';
import type { Scenario } from '../../scenario/schema.ts';

export interface Trial {
  scenario: Scenario;
  seed: number;
  /** Replay these choices (then choice 0); absent: the seed's random strategy. */
  choices?: readonly number[];
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
  steps: number;
  /** The choices the run made (every step). */
  choices: number[];
  report: NestedReport | null;
  error?: string;
}

/** The invariants a report says were violated, in id order. */
export function failedInvariants(r: NestedReport): InvariantId[] {
  return (r.checker?.invariants ?? []).filter((v) => v.ok === false).map((v) => v.id);
}

export async function runTrial(t: Trial, target: InvariantId, source: string): Promise<TrialOutcome> {
  try {
    const report = await runNested(t.scenario, {
      runtime: 'sim',
      seed: t.seed,
      source,
      metrics: false,
      recordSchedule: true,
      ...(t.choices !== undefined ? { choices: t.choices, schedulePastEnd: 'default' as const, onDiverge: 'default' as const } : {}),
      ...(t.stopAtStep !== undefined ? { maxSteps: t.stopAtStep } : t.stepsMax !== undefined ? { maxSteps: t.stepsMax } : {}),
      ...(t.wallMsMax !== undefined ? { wallClockCapMs: Math.max(1, t.wallMsMax) } : {}),
    });
    // Cut off by a guard of the shrink's, not by the repro's own step limit: not a smaller failing run.
    const cutOff = report.stopReason === 'wall-clock-cap' || (report.stopReason === 'max-steps' && t.stopAtStep === undefined);
    const choices = decodeChoices(report.schedule ?? '');
    const failed = failedInvariants(report);
    return { fails: !cutOff && failed.includes(target), failed, steps: choices.length, choices, report };
  } catch (err) {
    return { fails: false, failed: [], steps: 0, choices: [], report: null, error: err instanceof Error ? err.message : String(err) };
  }
}
