// Delay-bounded scheduling (Emmi, Qadeer, Rakamarić, POPL 2011): the default schedule always
// takes the first enabled event in canonical order (choice 0: channels by index, then self
// inboxes), and a run may deviate from it at most k times. The k deviation steps are drawn
// uniformly over the estimated step count; a deviation falling on a step with one enabled event
// waits for the next step with a real choice, and takes one of the other events at random.
// Timing counts too: the default timing of a windowed delay (a hop or service cost whose
// scenario gives a window: Strategy.chooseDelay) is its window's early end. A deviation drawn
// for step s goes first to the delays step s draws (they come after its ordering choice): each
// of them takes its window's late end, and the deviation is spent; a step that draws no windowed
// delay leaves it to the next step with a real ordering choice.

import { createRng, rngStateFrom } from '../../util/rng.ts';
import { stepPoints } from './step-points.ts';
import type { Strategy } from './strategy.ts';

export interface DelayBoundedStrategy extends Strategy {
  /** Non-default choices made so far (never more than the bound). */
  readonly deviations: number;
}

export function delayBoundedStrategy(seed: number, bound: number, stepsEstimate: number): DelayBoundedStrategy {
  const rng = createRng(rngStateFrom(seed, 0xde1a));
  const at = stepPoints(rng, bound, stepsEstimate);
  let next = 0;
  let deviations = 0;
  return {
    name: 'delay-bounded',
    get deviations() {
      return deviations;
    },
    choose(n, step) {
      // A deviation of this very step waits for the step's delays; one of an earlier step (no delay took it) reorders now.
      if (n === 1 || next >= at.length || at[next]! >= step) return 0;
      next++;
      deviations++;
      return 1 + rng.int(n - 1);
    },
    chooseDelay(lo, hi, step) {
      if (lo === hi || next >= at.length || at[next]! > step) return lo;
      // Every deviation due by this step is spent on this delay (a step's draws share one).
      while (next < at.length && at[next]! <= step) next++;
      deviations++;
      return hi;
    },
  };
}
