// How the deterministic runtime picks the next delivery among the enabled ones. A strategy
// sees the count of enabled events, the step number and each event's source, and returns an
// index; the runtime records every index, so any strategy's run replays with `replayStrategy`.
// A strategy may also choose timing (chooseDelay): where in its window a delay lands.
// The seeded ordering strategies (pct, pos, delay-bounded) are in their own files beside this
// one, and strategy-spec.ts builds one from its name.

import { fail } from '../../util/errors.ts';
import { createRng, rngStateFrom } from '../../util/rng.ts';
import { delayScheduleMark } from './choices.ts';

export interface Strategy {
  readonly name: string;
  /**
   * `sources[i]` names where enabled event i comes from, stable over the run: a channel index
   * (≥ 0) or, for an actor's self inbox (timers, sys messages), −1 − the actor's index.
   */
  choose(enabled: number, step: number, sources: Int32Array): number;
  /**
   * Optional: timing as a choice (issue 10). When present, every hop latency and service cost
   * the scenario gives a window (a non-fixed distribution: a uniform's [min, max], an empirical
   * table's range, an exponential's or log-normal's [q0.001, q0.999]; timing.ts delayWindowOf)
   * is this pick instead of a sample: a delay in whole ns within [loNs, hiNs] (rounded and
   * clamped into it). Called while step `step` runs, in the order the step draws its timings
   * (its service cost, then its sends). Every pick is recorded in the schedule and replayed
   * exactly (choices.ts). Fixed timings are never asked about. Without it (the random
   * strategy), windows are sampled from their distributions and nothing extra is recorded.
   */
  chooseDelay?(loNs: number, hiNs: number, step: number): number;
}

/** Uniform random choice among enabled events, seeded. */
export function randomStrategy(seed: number): Strategy {
  const rng = createRng(rngStateFrom(seed, 0x5ced));
  return { name: 'random', choose: (n) => (n === 1 ? 0 : rng.int(n)) };
}

/**
 * Replays a recorded schedule; a choice that does not fit the enabled set means the run diverged.
 * A schedule that carries delay choices (it starts with delayScheduleMark) replays them too; one
 * without them samples its windowed delays again from the run's seed, so it replays with that seed.
 */
export function replayStrategy(choices: ArrayLike<number>): Strategy {
  const withDelays = choices.length > 0 && choices[0] === delayScheduleMark;
  let at = withDelays ? 1 : 0;
  const diverged = (step: number, what: string): never =>
    fail('FAULTLINE_REPLAY_DIVERGED', `the recorded schedule has ${choices.length} choices but the run reached step ${step} and wanted ${what}; it was recorded with different code, scenario or seed`);
  const strategy: Strategy = {
    name: 'replay',
    choose(n, step) {
      if (at >= choices.length) diverged(step, 'another ordering choice');
      const c = choices[at++]!;
      if (c >= n) {
        fail('FAULTLINE_REPLAY_DIVERGED', `step ${step}: recorded choice ${c} but only ${n} events are enabled; it was recorded with different code, scenario or seed`);
      }
      return c;
    },
  };
  if (!withDelays) return strategy;
  return {
    ...strategy,
    chooseDelay(lo, _hi, step) {
      if (at + 1 >= choices.length) diverged(step, 'a delay choice');
      const offset = choices[at]! * 0x10000 + choices[at + 1]!;
      at += 2;
      return lo + offset;
    },
  };
}
