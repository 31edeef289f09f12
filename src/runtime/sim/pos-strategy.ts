// POS, partial-order sampling (Yuan et al., CAV 2018), basic form: every enabled event gets a
// fresh random priority when it becomes the head of its source, and the highest runs. After a
// delivery its source's next head is a new event, so that source draws again; the other enabled
// events keep theirs. Unlike uniform random choice, an event that lost once keeps its chance.

import { createRng, rngStateFrom } from '../../util/rng.ts';
import { SourcePriorities } from './source-priorities.ts';
import type { Strategy } from './strategy.ts';

export function posStrategy(seed: number): Strategy {
  const prio = new SourcePriorities(createRng(rngStateFrom(seed, 0x905)), 0);
  return {
    name: 'pos',
    choose(n, _step, sources) {
      const pick = n === 1 ? 0 : prio.highest(n, sources);
      prio.redraw(sources[pick]!);
      return pick;
    },
  };
}
