// Priorities per event source (a channel or an actor's self inbox), the state pct and pos keep:
// a source's priority is drawn the first time it is seen, and the enabled event whose source
// ranks highest is chosen (ties, which random doubles make vanishingly rare, go to the lower index).

import type { Rng } from '../../util/rng.ts';

/** A dense index for a source id (channel c ≥ 0 → 2c; self inbox −1 − a → 2a + 1). */
export function sourceKey(source: number): number {
  return source >= 0 ? 2 * source : -2 * source - 1;
}

export class SourcePriorities {
  private prio = new Float64Array(64).fill(Number.NaN);
  private readonly rng: Rng;
  /** Where fresh priorities are drawn from: [base, base + 1). */
  private readonly base: number;

  constructor(rng: Rng, base: number) {
    this.rng = rng;
    this.base = base;
  }

  of(source: number): number {
    const k = sourceKey(source);
    if (k >= this.prio.length) {
      const next = new Float64Array(Math.max(k + 1, this.prio.length * 2)).fill(Number.NaN);
      next.set(this.prio);
      this.prio = next;
    }
    let p = this.prio[k]!;
    if (Number.isNaN(p)) {
      p = this.base + this.rng.float();
      this.prio[k] = p;
    }
    return p;
  }

  set(source: number, priority: number): void {
    this.of(source);
    this.prio[sourceKey(source)] = priority;
  }

  /** Forget a source's priority: the next look draws a fresh one. */
  redraw(source: number): void {
    this.of(source);
    this.prio[sourceKey(source)] = Number.NaN;
  }

  /** The index (into the n enabled events) of the highest-priority source. */
  highest(n: number, sources: Int32Array): number {
    let best = 0;
    let bestP = this.of(sources[0]!);
    for (let i = 1; i < n; i++) {
      const p = this.of(sources[i]!);
      if (p > bestP) {
        best = i;
        bestP = p;
      }
    }
    return best;
  }
}
