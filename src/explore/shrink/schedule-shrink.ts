// Shrinking a failing run's schedule once its scenario is as small as it gets: first the run
// itself is cut short (the smallest step limit at which the invariant still fails, found by
// bisection; not for I8, which a cut-short run always fails), then runs of non-default
// choices are reset to 0 (delta debugging: halves, then quarters, …, of the non-zero
// positions), each candidate re-run and kept only if the same invariant still fails. What is
// kept is always the choices the kept run really made, so the result replays exactly.

import type { InvariantId } from '../../check/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Budget } from './budget.ts';
import { trimDefaultTail } from './schedule-file.ts';
import { runTrial, type TrialOutcome } from './trial.ts';

export interface ScheduleState {
  choices: number[];
  steps: number;
  stopAtStep?: number;
}

const nonDefault = (c: readonly number[]): number => c.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0);

export async function shrinkSchedule(
  scenario: Scenario,
  seed: number,
  target: InvariantId,
  source: string,
  start: TrialOutcome,
  budget: Budget,
  log: (line: string) => void,
  guard: () => { stepsMax: number; wallMsMax: number },
): Promise<ScheduleState> {
  let cur: ScheduleState = { choices: trimDefaultTail(start.choices), steps: start.steps };
  const attempt = async (choices: number[], stopAtStep: number | undefined): Promise<TrialOutcome | null> => {
    if (!budget.take()) return null;
    const o = await runTrial({ scenario, seed, choices, ...guard(), ...(stopAtStep !== undefined ? { stopAtStep } : {}) }, target, source);
    return o.fails ? o : null;
  };
  const keep = (o: TrialOutcome, stopAtStep: number | undefined): void => {
    cur = { choices: trimDefaultTail(o.choices), steps: o.steps, ...(stopAtStep !== undefined ? { stopAtStep } : {}) };
  };

  // Cut the run short: the smallest step limit that still fails (bisection; failing is not
  // monotone in the limit, so this finds a small one, not always the smallest).
  if (target !== 'I8') {
    let lo = 1;
    let hi = cur.steps;
    while (lo < hi && !budget.exhausted) {
      const mid = Math.floor((lo + hi) / 2);
      const o = await attempt(cur.choices.slice(0, mid), mid);
      if (o) {
        hi = mid;
        keep(o, mid);
      } else lo = mid + 1;
    }
    if (cur.stopAtStep !== undefined) log(`schedule: the run stops after step ${cur.stopAtStep}`);
  }

  // Reset runs of non-default choices to 0, coarse to fine.
  let parts = 2;
  while (!budget.exhausted) {
    const positions = cur.choices.flatMap((c, i) => (c !== 0 ? [i] : []));
    if (positions.length === 0) break;
    parts = Math.min(parts, positions.length);
    const size = Math.ceil(positions.length / parts);
    let kept = false;
    for (let p = 0; p < positions.length && !budget.exhausted; p += size) {
      const reset = new Set(positions.slice(p, p + size));
      const o = await attempt(
        cur.choices.map((c, i) => (reset.has(i) ? 0 : c)),
        cur.stopAtStep,
      );
      if (o) {
        const before = nonDefault(cur.choices);
        keep(o, cur.stopAtStep);
        log(`schedule: ${before} → ${nonDefault(cur.choices)} non-default choices`);
        kept = true;
        break;
      }
    }
    if (kept) parts = Math.max(2, parts - 1);
    else if (size === 1) break;
    else parts *= 2;
  }
  return cur;
}

export { nonDefault as nonDefaultChoices };
