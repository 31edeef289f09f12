// PCT, probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010), over event sources
// instead of threads: every source (a channel, an actor's self inbox) gets a random initial
// priority above d; d − 1 change points are drawn uniformly over the estimated step count k;
// at each step the enabled event of the highest-priority source runs, and at the i-th change
// point the source just chosen drops to priority d − i, below every initial one. A bug of
// depth d is then found with probability at least 1 / (n·k^(d−1)) per run. Timing follows the
// same priorities: a windowed delay (Strategy.chooseDelay) drawn while a source's event runs
// takes its window's early end when that source ranks in the upper half of the initial
// priorities (above d + 0.5), the late end otherwise — a source lowered at a change point turns late.

import { createRng, rngStateFrom } from '../../util/rng.ts';
import { SourcePriorities } from './source-priorities.ts';
import { stepPoints } from './step-points.ts';
import type { Strategy } from './strategy.ts';

export interface PctStrategy extends Strategy {
  /** Change points applied so far (never more than depth − 1). */
  readonly changePointsApplied: number;
}

/** Seeded PCT of depth `depth` (≥ 1) over about `stepsEstimate` steps. */
export function pctStrategy(seed: number, depth: number, stepsEstimate: number): PctStrategy {
  const rng = createRng(rngStateFrom(seed, 0x9c7));
  const prio = new SourcePriorities(rng, depth);
  const points = stepPoints(rng, depth - 1, stepsEstimate);
  let next = 0;
  let applied = 0;
  let running = 0;
  return {
    name: 'pct',
    get changePointsApplied() {
      return applied;
    },
    choose(n, step, sources) {
      const pick = n === 1 ? 0 : prio.highest(n, sources);
      running = sources[pick]!;
      // Change points falling on the same step apply in turn, each lowering the chosen source further.
      while (next < points.length && points[next]! <= step) {
        prio.set(sources[pick]!, depth - 1 - next);
        next++;
        applied++;
      }
      return pick;
    },
    chooseDelay(lo, hi) {
      return prio.of(running) > depth + 0.5 ? lo : hi;
    },
  };
}
