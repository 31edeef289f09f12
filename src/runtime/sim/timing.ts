// Where the simulator's timings come from: every hop latency and service cost that is a
// distribution is drawn here, from one seeded stream of the run (not the actors' streams, so
// actor behaviour does not depend on timing draws). A fixed value draws nothing, so a run
// that declares no distribution keeps its trace hash.
//
// Timing as a choice (issue 10): when the strategy has chooseDelay, every timing with a
// window (a non-fixed distribution; see delayWindowOf) is the strategy's pick inside the
// window instead of a sample, recorded in the schedule (choices.ts) and replayed exactly.
// Actors' own latencies (ctx.delayNs: ATS completion, IOTLB invalidation, handler cost, unmap
// period, ATC invalidation delay) come through here too (drawFor): the strategy's pick in the
// same way, or without chooseDelay a sample from the actor's own stream, as before.

import { practicalRangeOf, sample, type Distribution } from '../../util/distribution.ts';
import { createRng, rngStateFrom, type Rng } from '../../util/rng.ts';
import { delayOffsetMax, type ChoiceLog } from './choices.ts';
import type { Strategy } from './strategy.ts';

/** The timing stream's id within the run's seed (the actors use streams 1..n, the random strategy 0x5ced). */
const timingStream = 0x7173;

/**
 * The window a strategy may choose a delay in, whole ns: a uniform's [min, max], an empirical
 * table's [first, last] value, an exponential's or log-normal's [q0.001, q0.999]; a window wider
 * than a recorded offset can say (2³² − 1 ns, about 4.3 s) is cut there.
 */
export function delayWindowOf(d: Distribution): [number, number] {
  const [from, to] = practicalRangeOf(d);
  const lo = Math.round(from);
  return [lo, Math.min(Math.round(to), lo + delayOffsetMax)];
}

export class SimTiming {
  private readonly rng: Rng;
  private readonly strategy: Strategy;
  private readonly log: ChoiceLog | null;
  /** The strategy has no chooseDelay: every timing is a sample (a strategy's methods are fixed when it is made). */
  readonly sampling: boolean;

  constructor(seed: number, strategy: Strategy, log: ChoiceLog | null) {
    this.rng = createRng(rngStateFrom(seed, timingStream));
    this.strategy = strategy;
    this.log = log;
    this.sampling = strategy.chooseDelay === undefined;
  }

  /** A delay in whole ns for `d`, drawn (or chosen by the strategy) at scheduler step `step`. */
  draw(d: Distribution, step: number): number {
    // sample() of a fixed distribution is its value, drawing nothing: as drawFor's own shortcut.
    return this.sampling ? sample(d, this.rng) : this.drawFor(d, step, this.rng);
  }

  /** As draw, but a sample (no chooseDelay) comes from `rng`: an actor's own stream, for ctx.delayNs. */
  drawFor(d: Distribution, step: number, rng: Rng): number {
    if (d.dist === 'fixed') return d.value;
    const choose = this.strategy.chooseDelay;
    if (choose === undefined) return sample(d, rng);
    const [lo, hi] = delayWindowOf(d);
    const picked = Math.round(choose.call(this.strategy, lo, hi, step));
    const ns = Number.isFinite(picked) ? Math.min(hi, Math.max(lo, picked)) : lo;
    this.log?.pushDelay(ns - lo);
    return ns;
  }
}
