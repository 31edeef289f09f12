// Shrinking a failing run's schedule once its scenario is as small as it gets, on the schedule
// split into steps (an ordering choice and the delay choices that step drew: choices.ts
// parseSchedule): first the run itself is cut short (the smallest step limit at which the
// invariant still fails, found by bisection; not for I8, which a cut-short run always fails);
// then runs of non-default ordering choices are reset to 0, then runs of non-default delay
// choices to their default, each by delta debugging (halves, then quarters, …, of the
// non-default positions); then the run is cut short again (with fewer non-default choices it
// may fail sooner); then the delay choices are dropped altogether (a schedule without
// the mark: windowed delays sampled from the seed again, as a random run's). Each candidate is
// replayed step by step and kept only if the same invariant still fails. What is kept is always
// the schedule the kept run really made, so the result replays exactly.
//
// A delay choice's default is its window's low end (offset 0): it is what a replay takes past a
// schedule's end or after a divergence (strategy.ts), the default timing delay-bounded deviates
// from, and the plainest timing to read (every windowed hop at its fastest), so what is left
// non-default is the lateness the failure needs; and it is the zero word, which schedule files
// drop from their tail.

import type { InvariantId } from '../../check/types.ts';
import type { StepSchedule } from '../../runtime/sim/choices.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Budget } from './budget.ts';
import { runTrial, type TrialOutcome } from './trial.ts';

export interface ScheduleState {
  schedule: StepSchedule;
  steps: number;
  stopAtStep?: number;
}

/** Non-default ordering choices (not 0). */
export const nonDefaultOrderings = (s: StepSchedule): number => s.steps.reduce((n, x) => n + (x.order !== 0 ? 1 : 0), 0);

/** Non-default delay choices (not the window's low end). */
export const nonDefaultDelays = (s: StepSchedule): number => s.steps.reduce((n, x) => n + x.delays.reduce((m, d) => m + (d !== 0 ? 1 : 0), 0), 0);

/** The schedule without its trailing default steps (past a schedule's end every choice is the default). */
export function trimSchedule(s: StepSchedule): StepSchedule {
  let n = s.steps.length;
  while (n > 0 && s.steps[n - 1]!.order === 0 && s.steps[n - 1]!.delays.every((d) => d === 0)) n--;
  return { withDelays: s.withDelays, steps: s.steps.slice(0, n) };
}

/** A choice's place: its step, and which of the step's delays (−1: the ordering choice). */
type Place = readonly [step: number, delay: number];

const orderingPlaces = (s: StepSchedule): Place[] => s.steps.flatMap((x, i) => (x.order !== 0 ? [[i, -1] as const] : []));
const delayPlaces = (s: StepSchedule): Place[] => s.steps.flatMap((x, i) => x.delays.flatMap((d, j) => (d !== 0 ? [[i, j] as const] : [])));

/** `s` with the choices at `places` reset to their defaults. */
function reset(s: StepSchedule, places: readonly Place[]): StepSchedule {
  const steps = s.steps.map((x) => ({ order: x.order, delays: x.delays.slice() }));
  for (const [i, j] of places) {
    if (j < 0) steps[i]!.order = 0;
    else steps[i]!.delays[j] = 0;
  }
  return { withDelays: s.withDelays, steps };
}

export async function shrinkSchedule(
  scenario: Scenario,
  seed: number,
  target: InvariantId,
  source: string,
  start: TrialOutcome,
  budget: Budget,
  log: (line: string) => void,
  guard: () => { stepsMax: number; wallMsMax: number },
  only?: 'cut-short',
): Promise<ScheduleState> {
  let cur: ScheduleState = { schedule: trimSchedule(start.schedule), steps: start.steps, ...(start.stopAtStep !== undefined ? { stopAtStep: start.stopAtStep } : {}) };
  const attempt = async (schedule: StepSchedule, stopAtStep: number | undefined): Promise<TrialOutcome | null> => {
    if (!budget.take()) return null;
    const o = await runTrial({ scenario, seed, schedule, ...guard(), ...(stopAtStep !== undefined ? { stopAtStep } : {}) }, target, source);
    return o.fails ? o : null;
  };
  const keep = (o: TrialOutcome, stopAtStep: number | undefined): void => {
    cur = { schedule: trimSchedule(o.schedule), steps: o.steps, ...(stopAtStep !== undefined ? { stopAtStep } : {}) };
  };

  // Cut the run short: the smallest step limit that still fails (bisection; failing is not
  // monotone in the limit, so this finds a small one, not always the smallest).
  const cutShort = async (): Promise<void> => {
    if (target === 'I8') return;
    const was = cur.stopAtStep;
    let lo = 1;
    let hi = cur.stopAtStep ?? cur.steps;
    while (lo < hi && !budget.exhausted) {
      const mid = Math.floor((lo + hi) / 2);
      const o = await attempt({ withDelays: cur.schedule.withDelays, steps: cur.schedule.steps.slice(0, mid) }, mid);
      if (o) {
        hi = mid;
        keep(o, mid);
      } else lo = mid + 1;
    }
    if (cur.stopAtStep !== undefined && cur.stopAtStep !== was) log(`schedule: the run stops after step ${cur.stopAtStep}`);
  };
  await cutShort();
  if (only === 'cut-short') return cur;

  // Reset runs of non-default choices to their defaults, coarse to fine: ordering, then delays.
  const resetRuns = async (placesOf: (s: StepSchedule) => Place[], count: (s: StepSchedule) => number, what: string): Promise<void> => {
    let parts = 2;
    while (!budget.exhausted) {
      const places = placesOf(cur.schedule);
      if (places.length === 0) break;
      parts = Math.min(parts, places.length);
      const size = Math.ceil(places.length / parts);
      let kept = false;
      for (let p = 0; p < places.length && !budget.exhausted; p += size) {
        const o = await attempt(reset(cur.schedule, places.slice(p, p + size)), cur.stopAtStep);
        if (o) {
          const before = count(cur.schedule);
          keep(o, cur.stopAtStep);
          log(`schedule: ${before} → ${count(cur.schedule)} non-default ${what}`);
          kept = true;
          break;
        }
      }
      if (kept) parts = Math.max(2, parts - 1);
      else if (size === 1) break;
      else parts *= 2;
    }
  };
  await resetRuns(orderingPlaces, nonDefaultOrderings, 'choices');
  if (cur.schedule.withDelays) await resetRuns(delayPlaces, nonDefaultDelays, 'delay choices');
  // With fewer non-default choices the invariant may fail sooner.
  await cutShort();

  // No delay choices at all: the windowed delays drawn from the seed's timing stream instead.
  if (cur.schedule.withDelays && !budget.exhausted) {
    const o = await attempt({ withDelays: false, steps: cur.schedule.steps.map((x) => ({ order: x.order, delays: [] })) }, cur.stopAtStep);
    if (o) {
      keep(o, cur.stopAtStep);
      log('schedule: delay choices dropped (windowed delays sampled from the seed)');
    }
  }
  return cur;
}
