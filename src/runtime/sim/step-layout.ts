// A run's step layout: how many delay choices each scheduler step drew. A schedule with delay
// choices (choices.ts) does not say where one step's delays end and the next step's ordering
// choice begins; the run that made it does. Observed by wrapping the run's strategy: every
// ordering choice opens a step, every delay choice counts towards the step that drew it.

import type { Strategy } from './strategy.ts';

export interface ObservedStrategy {
  strategy: Strategy;
  /** Delay choices drawn per step, filled as the run goes. */
  delaysPerStep: number[];
}

/** `s`, noting the layout of the run it drives (a strategy without chooseDelay stays without: it draws no delay choices). */
export function observeStepLayout(s: Strategy): ObservedStrategy {
  const delaysPerStep: number[] = [];
  const strategy: Strategy = {
    name: s.name,
    choose(n, step, sources) {
      delaysPerStep[step] = 0;
      return s.choose(n, step, sources);
    },
  };
  const choose = s.chooseDelay;
  if (choose !== undefined) {
    strategy.chooseDelay = (lo, hi, step) => {
      delaysPerStep[step]!++;
      return choose.call(s, lo, hi, step);
    };
  }
  return { strategy, delaysPerStep };
}
