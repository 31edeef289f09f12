// How the deterministic runtime picks the next delivery among the enabled ones. A strategy
// sees only the count of enabled events and the step number, and returns an index; the
// runtime records every index, so any strategy's run replays with `replayStrategy`.

import { fail } from '../../util/errors.ts';
import { createRng, rngStateFrom } from '../../util/rng.ts';

export interface Strategy {
  readonly name: string;
  choose(enabled: number, step: number): number;
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
