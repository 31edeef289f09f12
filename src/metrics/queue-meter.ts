// One queue measured from its arrivals, departures and drops: occupancy over time (a
// LevelSeries), its time-weighted mean and maximum, counts, drops by reason, and the sojourn
// of every item, matched by key (a page request group's ghost id) first in, first out within
// the key. Little's law is then checked from two independently kept quantities: the time
// integral of the occupancy counter against the sum of the items' sojourns.
//
// The window is the whole run, [0, endNs], starting from an empty queue. Items still queued
// at endNs are the classic edge effect; they are counted exactly instead of ignored: each
// adds its time in the queue up to endNs (a censored sojourn), and arrivals count them. With
// that, L = λ·W holds to rounding for any correct accounting: L = ∫N dt / T, λ = A / T,
// W = (Σ departed sojourns + Σ residual ages) / A. A departure that matches no arrival of its
// key (or a key that departs more items than arrived) is accounting that breaks the law; it
// is counted as unmatched and the check fails naming the queue.

import { CounterSeries, LevelSeries, type SeriesClock } from './series.ts';

export interface LittleCheck {
  /** Time-weighted mean occupancy over the window (items). */
  meanOccupancy: number;
  /** Arrivals per ns over the window. */
  arrivalRatePerNs: number;
  /** Mean sojourn per arrival (ns), residual items counted up to the window's end. */
  meanSojournNs: number;
  /** |L − λW| / max(L, λW); 0 when both are 0. */
  relativeError: number;
  ok: boolean;
  /** Items still queued at the end of the window, counted with their censored sojourn. */
  residual: number;
  /** Departures that matched no arrival (broken accounting). */
  unmatched: number;
}

export interface QueueMetrics {
  queue: string;
  arrivals: number;
  departures: number;
  drops: Record<string, number>;
  occupancyMeanItems: number;
  occupancyMax: number;
  /** Mean sojourn of the items that departed (ns). */
  sojournMeanNs: number;
  little: LittleCheck;
  /** Per point of the run's series: time-weighted mean and highest occupancy, arrivals, departures. */
  series: { meanItems: number[]; maxItems: number[]; arrivals: number[]; departures: number[] };
}

/** Little's law is judged within this relative error. */
export const littleTolerance = 0.01;

/**
 * Arrival batches (time, items) in typed arrays, linked per key in arrival order, with a free
 * list: the meter sits on the checker's hot path and allocates nothing per event.
 */
class BatchPool {
  t = new Float64Array(1024);
  n = new Float64Array(1024);
  next = new Int32Array(1024);
  /** Valid at a key's head node: the key's last node. */
  tail = new Int32Array(1024);
  private free = -1;
  private used = 0;

  alloc(tNs: number, n: number): number {
    let i = this.free;
    if (i >= 0) this.free = this.next[i]!;
    else {
      if (this.used === this.t.length) this.grow();
      i = this.used++;
    }
    this.t[i] = tNs;
    this.n[i] = n;
    this.next[i] = -1;
    return i;
  }

  release(i: number): void {
    this.next[i] = this.free;
    this.free = i;
  }

  private grow(): void {
    const size = this.t.length * 2;
    const widen = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.t = widen(this.t, (k) => new Float64Array(k));
    this.n = widen(this.n, (k) => new Float64Array(k));
    this.next = widen(this.next, (k) => new Int32Array(k));
    this.tail = widen(this.tail, (k) => new Int32Array(k));
  }
}

/**
 * key → head index: a direct-mapped table on the key's low bits (the keys of what a queue holds
 * at once are a window of recent ghost ids, so they rarely collide), a Map for the rest.
 */
class HeadTable {
  private static readonly bits = 12;
  private readonly keys = new Float64Array(1 << HeadTable.bits).fill(-1);
  private readonly heads = new Int32Array(1 << HeadTable.bits);
  private readonly overflow = new Map<number, number>();

  /** The head of key, or -1. */
  get(key: number): number {
    const i = key & ((1 << HeadTable.bits) - 1);
    if (this.keys[i] === key) return this.heads[i]!;
    return this.overflow.size === 0 ? -1 : (this.overflow.get(key) ?? -1);
  }

  set(key: number, head: number): void {
    const i = key & ((1 << HeadTable.bits) - 1);
    if (this.keys[i] === key) {
      this.heads[i] = head;
      return;
    }
    if (this.keys[i] === -1 && (this.overflow.size === 0 || !this.overflow.has(key))) {
      this.keys[i] = key;
      this.heads[i] = head;
      return;
    }
    this.overflow.set(key, head);
  }

  delete(key: number): void {
    const i = key & ((1 << HeadTable.bits) - 1);
    if (this.keys[i] === key) this.keys[i] = -1;
    else this.overflow.delete(key);
  }

  *values(): IterableIterator<number> {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) yield this.heads[i]!;
    yield* this.overflow.values();
  }
}

export class QueueMeter {
  readonly occupancy: LevelSeries;
  private readonly arrivalSeries: CounterSeries;
  private readonly departureSeries: CounterSeries;
  arrivals = 0;
  departures = 0;
  readonly drops = new Map<string, number>();
  private held = 0;
  private max = 0;
  private sojournSumNs = 0;
  private unmatched = 0;
  /** key → index of its oldest batch in the pool. */
  private readonly heads = new HeadTable();
  private readonly pool = new BatchPool();

  constructor(
    readonly name: string,
    private readonly clock: SeriesClock,
  ) {
    this.occupancy = new LevelSeries(clock);
    this.arrivalSeries = new CounterSeries(clock);
    this.departureSeries = new CounterSeries(clock);
  }

  /** Items of `key` in the queue now. */
  heldOf(key: number): number {
    let n = 0;
    const p = this.pool;
    for (let i = this.heads.get(key); i >= 0; i = p.next[i]!) n += p.n[i]!;
    return n;
  }

  arrive(tNs: number, key: number, n: number): void {
    this.arriveAt(tNs, this.clock.pointOf(tNs), key, n);
  }

  /** arrive() with t's series point p (the clock's pointOf(tNs), looked up since it last coarsened). */
  arriveAt(tNs: number, pointNow: number, key: number, n: number): void {
    this.arrivals += n;
    this.arrivalSeries.addAt(pointNow, n);
    const p = this.pool;
    const i = p.alloc(tNs, n);
    const head = this.heads.get(key);
    if (head < 0) {
      this.heads.set(key, i);
      p.tail[i] = i;
    } else {
      p.next[p.tail[head]!] = i;
      p.tail[head] = i;
    }
    this.held += n;
    if (this.held > this.max) this.max = this.held;
    this.occupancy.setAt(tNs, pointNow, this.held);
  }

  depart(tNs: number, key: number, n: number): void {
    this.departAt(tNs, this.clock.pointOf(tNs), key, n);
  }

  /** depart() with t's series point p (the clock's pointOf(tNs), looked up since it last coarsened). */
  departAt(tNs: number, pointNow: number, key: number, n: number): void {
    this.departures += n;
    this.departureSeries.addAt(pointNow, n);
    this.held -= n;
    this.occupancy.setAt(tNs, pointNow, this.held);
    const p = this.pool;
    let head = this.heads.get(key);
    let left = n;
    while (left > 0 && head >= 0) {
      const take = Math.min(left, p.n[head]!);
      this.sojournSumNs += take * (tNs - p.t[head]!);
      p.n[head]! -= take;
      left -= take;
      if (p.n[head] === 0) {
        const next = p.next[head]!;
        if (next >= 0) p.tail[next] = p.tail[head]!;
        p.release(head);
        head = next;
      }
    }
    if (head >= 0) this.heads.set(key, head);
    else this.heads.delete(key);
    this.unmatched += left;
  }

  drop(reason: string, n: number): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + n);
  }

  /** The queue's figures over [0, endNs] and the Little's law check. */
  result(endNs: number): QueueMetrics {
    const occ = this.occupancy.points(endNs);
    const areaNs = this.occupancy.area.sum();
    let residual = 0;
    let residualAgeNs = 0;
    const p = this.pool;
    for (const head of this.heads.values()) {
      for (let i = head; i >= 0; i = p.next[i]!) {
        residual += p.n[i]!;
        residualAgeNs += p.n[i]! * (endNs - p.t[i]!);
      }
    }
    const T = endNs;
    const L = T > 0 ? areaNs / T : 0;
    const lambda = T > 0 ? this.arrivals / T : 0;
    const W = this.arrivals > 0 ? (this.sojournSumNs + residualAgeNs) / this.arrivals : 0;
    const lw = lambda * W;
    const scale = Math.max(Math.abs(L), Math.abs(lw));
    const relativeError = scale === 0 ? 0 : Math.abs(L - lw) / scale;
    return {
      queue: this.name,
      arrivals: this.arrivals,
      departures: this.departures,
      drops: Object.fromEntries(this.drops),
      occupancyMeanItems: L,
      occupancyMax: this.max,
      sojournMeanNs: this.departures > 0 ? this.sojournSumNs / Math.max(1, this.departures - this.unmatched) : 0,
      little: {
        meanOccupancy: L,
        arrivalRatePerNs: lambda,
        meanSojournNs: W,
        relativeError,
        ok: this.unmatched === 0 && relativeError <= littleTolerance,
        residual,
        unmatched: this.unmatched,
      },
      series: { meanItems: occ.mean, maxItems: occ.max, arrivals: this.arrivalSeries.points(endNs), departures: this.departureSeries.points(endNs) },
    };
  }
}
