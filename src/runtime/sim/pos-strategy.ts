// POS, partial-order sampling (Yuan et al., CAV 2018), basic form: every enabled event gets a
// fresh random priority when it becomes the head of its source, and the highest runs. After a
// delivery its source's next head is a new event, so that source draws again; the other enabled
// events keep theirs. Unlike uniform random choice, an event that lost once keeps its chance.
// A windowed delay (Strategy.chooseDelay) is a fresh coin too: its window's early or late end,
// the extremes where orderings flip, rather than a sample from the middle.

import { createRng, rngStateFrom } from '../../util/rng.ts';
import { SourcePriorities } from './source-priorities.ts';
import type { Strategy } from './strategy.ts';

export function posStrategy(seed: number): Strategy {
  const rng = createRng(rngStateFrom(seed, 0x905));
  const prio = new SourcePriorities(rng, 0);
  return {
    name: 'pos',
    choose(n, _step, sources) {
      const pick = n === 1 ? 0 : prio.highest(n, sources);
      prio.redraw(sources[pick]!);
      return pick;
    },
    chooseDelay: (lo, hi) => (rng.chance(0.5) ? lo : hi),
  };
}
