// Steps drawn uniformly over a run's estimated length, in order: PCT's priority change points
// and delay-bounded's deviation steps are both such a set.

import type { Rng } from '../../util/rng.ts';

/** `count` steps in [0, stepsEstimate), each uniform, ascending (repeats allowed). */
export function stepPoints(rng: Rng, count: number, stepsEstimate: number): number[] {
  const k = Math.max(1, Math.floor(stepsEstimate));
  return Array.from({ length: Math.max(0, count) }, () => rng.int(k)).sort((a, b) => a - b);
}
