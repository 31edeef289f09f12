// How the deterministic runtime picks the next delivery among the enabled ones. A strategy
// sees the count of enabled events, the step number and each event's source, and returns an
// index; the runtime records every index, so any strategy's run replays with `replayStrategy`.
// The seeded ordering strategies (pct, pos, delay-bounded) are in their own files beside this
// one, and strategy-spec.ts builds one from its name.

import { fail } from '../../util/errors.ts';
import { createRng, rngStateFrom } from '../../util/rng.ts';

export interface Strategy {
  readonly name: string;
  /**
   * `sources[i]` names where enabled event i comes from, stable over the run: a channel index
   * (≥ 0) or, for an actor's self inbox (timers, sys messages), −1 − the actor's index.
   */
  choose(enabled: number, step: number, sources: Int32Array): number;
}

/** Uniform random choice among enabled events, seeded. */
export function randomStrategy(seed: number): Strategy {
  const rng = createRng(rngStateFrom(seed, 0x5ced));
  return { name: 'random', choose: (n) => (n === 1 ? 0 : rng.int(n)) };
}

/** Replays a recorded schedule; a choice that does not fit the enabled set means the run diverged. */
export function replayStrategy(choices: ArrayLike<number>): Strategy {
  return {
    name: 'replay',
    choose(n, step) {
      if (step >= choices.length) {
        fail('FAULTLINE_REPLAY_DIVERGED', `the recorded schedule has ${choices.length} choices but the run reached step ${step}; it was recorded with different code, scenario or seed`);
      }
      const c = choices[step]!;
      if (c >= n) {
        fail('FAULTLINE_REPLAY_DIVERGED', `step ${step}: recorded choice ${c} but only ${n} events are enabled; it was recorded with different code, scenario or seed`);
      }
      return c;
    },
  };
}
