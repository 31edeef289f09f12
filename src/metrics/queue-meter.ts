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

/** Nodes of a batch pool's first arrays. */
const poolStart = 16;
/** The arrays of every pool not used yet (most meters' keys never have a second batch): no room, never written. */
const noTimes = new Float64Array(0);
const noLinks = new Int32Array(0);

/**
 * A key's arrival batches after its oldest (time, items), in typed arrays, linked in arrival
 * order, with a free list: the meter sits on the checker's hot path and allocates nothing per
 * event. Most keys never have a second batch, so most events never touch the pool.
 * The arrays are made at the first later batch, then double: a short run's meters should cost little to make.
 */
class BatchPool {
  t = noTimes;
  n = noTimes;
  next = noLinks;
  /** Valid at a chain's first node: the chain's last node. */
  tail = noLinks;
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
    const size = Math.max(poolStart, this.t.length * 2);
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

/** Doubles per key row: the key + 1 (0: empty, so fresh rows need no fill), its oldest batch's time and items, its pool chain. */
const rowStride = 4;
const rowKey = 0;
const rowT = 1;
const rowN = 2;
/** First pool node of the key's later batches, or -1. */
const rowMore = 3;

/** Direct rows of a key table (log2). */
const directBits = 12;
const directRows = 1 << directBits;

/**
 * The rows of every table no key has entered yet: all empty, never written. A meter makes its
 * own 128 KB table at its first key: made up front for each of a run's meters, the tables were
 * a short run's largest set-up cost (issue 9), and find() reads a full-length table with no
 * bounds check of its own.
 */
const untouchedRows = new Float64Array(directRows * rowStride);

/**
 * key → row holding the key and its oldest batch: a direct-mapped table on the key's low bits
 * (the keys of what a queue holds at once are a window of recent ghost ids, so they rarely
 * collide), one cache line for a key's lookup and its batch; a colliding key gets a row past
 * the direct ones through a Map. Which keys collide, and the order rows() yields them (direct
 * rows by index, then the Map's insertion order), fix the order of the end-of-run residual
 * sums: keep the 2^12 direct rows.
 */
class KeyRows {
  rows = untouchedRows;
  private readonly overflow = new Map<number, number>();
  private spareOverflow: number[] = [];
  private overflowUsed = 0;
  /**
   * End of the direct rows ever used (offset): the end-of-run sweep stops there, so a short run
   * reads only the rows it wrote (the rest of the table are zero pages never touched; reading
   * them cost a cold finish 10-15 ms of page faults).
   */
  private directEnd = 0;

  /** The row offset of key, or -1. */
  find(key: number): number {
    const at = (key & (directRows - 1)) * rowStride;
    if (this.rows[at + rowKey] === key + 1) return at;
    return this.overflow.size === 0 ? -1 : (this.overflow.get(key) ?? -1);
  }

  /** A row for key, absent until now, holding no batch yet (the rows may move to a new array: read `rows` after). */
  insert(key: number): number {
    if (this.rows === untouchedRows) this.rows = new Float64Array(directRows * rowStride);
    let at = (key & (directRows - 1)) * rowStride;
    if (this.rows[at + rowKey] !== 0) {
      at = this.spareOverflow.pop() ?? this.newOverflowRow();
      this.overflow.set(key, at);
    } else if (at >= this.directEnd) this.directEnd = at + rowStride;
    this.rows[at + rowKey] = key + 1;
    return at;
  }

  /** Forget the key of the row at `at`. */
  remove(at: number): void {
    const key = this.rows[at + rowKey]! - 1;
    this.rows[at + rowKey] = 0;
    if (at >= directRows * rowStride) {
      this.overflow.delete(key);
      this.spareOverflow.push(at);
    }
  }

  /** Row offsets of every key: direct rows by index, then colliding keys in insertion order (a plain loop: once a run). */
  offsets(): number[] {
    const out: number[] = [];
    const rows = this.rows;
    for (let at = 0; at < this.directEnd; at += rowStride) if (rows[at + rowKey] !== 0) out.push(at);
    if (this.overflow.size !== 0) for (const at of this.overflow.values()) out.push(at);
    return out;
  }

  private newOverflowRow(): number {
    const at = (directRows + this.overflowUsed++) * rowStride;
    if (at + rowStride > this.rows.length) {
      const wider = new Float64Array(this.rows.length + directRows * rowStride);
      wider.set(this.rows);
      this.rows = wider;
    }
    return at;
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
  /** key → its oldest batch, and the chain of its later ones in the pool. */
  private readonly keys = new KeyRows();
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
    const at = this.keys.find(key);
    return at < 0 ? 0 : this.heldAt(at);
  }

  arrive(tNs: number, key: number, n: number): void {
    this.arriveAt(tNs, this.clock.pointOf(tNs), key, n);
  }

  /** arrive() with t's series point p (the clock's pointOf(tNs), looked up since it last coarsened). */
  arriveAt(tNs: number, pointNow: number, key: number, n: number): void {
    this.arrivals += n;
    this.arrivalSeries.addAt(pointNow, n);
    const at = this.keys.find(key);
    if (at < 0) {
      const fresh = this.keys.insert(key);
      const rows = this.keys.rows; // after insert: a colliding key can widen the rows
      rows[fresh + rowT] = tNs;
      rows[fresh + rowN] = n;
      rows[fresh + rowMore] = -1;
    } else this.queueLater(at, tNs, n);
    this.held += n;
    if (this.held > this.max) this.max = this.held;
    this.occupancy.setAt(tNs, pointNow, this.held);
  }

  depart(tNs: number, key: number, n: number): void {
    this.departAt(tNs, this.clock.pointOf(tNs), key, n);
  }

  /**
   * depart() with t's series point p (the clock's pointOf(tNs), looked up since it last coarsened);
   * returns the items of `key` still queued after it (heldOf, without a second lookup).
   */
  departAt(tNs: number, pointNow: number, key: number, n: number): number {
    return this.departRow(this.keys.find(key), tNs, pointNow, n);
  }

  /** Up to n items of `key`, as many as it holds, depart at tNs (point p); returns how many did. */
  departHeldAt(tNs: number, pointNow: number, key: number, n: number): number {
    const at = this.keys.find(key);
    if (at < 0) return 0;
    const k = Math.min(n, this.heldAt(at));
    if (k > 0) this.departRow(at, tNs, pointNow, k);
    return k;
  }

  /** n items of `key` depart at tNs (point p) when the queue holds any of it; false (and nothing departs) when it holds none. */
  departIfHeldAt(tNs: number, pointNow: number, key: number, n: number): boolean {
    const at = this.keys.find(key);
    if (at < 0 || !(this.heldAt(at) > 0)) return false;
    this.departRow(at, tNs, pointNow, n);
    return true;
  }

  /** Items of the key in row `at`: its oldest batch and its later ones. */
  private heldAt(at: number): number {
    const rows = this.keys.rows;
    let n = 0;
    n += rows[at + rowN]!;
    const p = this.pool;
    for (let i = rows[at + rowMore]!; i >= 0; i = p.next[i]!) n += p.n[i]!;
    return n;
  }

  /** n items depart of the key in row `at` (-1: a key the queue does not hold); returns what the key holds after. */
  private departRow(at: number, tNs: number, pointNow: number, n: number): number {
    this.departures += n;
    this.departureSeries.addAt(pointNow, n);
    this.held -= n;
    this.occupancy.setAt(tNs, pointNow, this.held);
    let left = n;
    if (at >= 0) {
      const rows = this.keys.rows;
      while (left > 0) {
        const take = Math.min(left, rows[at + rowN]!);
        this.sojournSumNs += take * (tNs - rows[at + rowT]!);
        rows[at + rowN]! -= take;
        left -= take;
        if (rows[at + rowN] === 0 && !this.takeLater(at)) {
          this.keys.remove(at);
          this.unmatched += left;
          return 0;
        }
      }
      this.unmatched += left;
      return this.heldAt(at);
    }
    this.unmatched += left;
    return 0;
  }

  /** A later batch of the key in row `at`, queued behind its others. */
  private queueLater(at: number, tNs: number, n: number): void {
    const p = this.pool;
    const rows = this.keys.rows;
    const i = p.alloc(tNs, n);
    const first = rows[at + rowMore]!;
    if (first < 0) {
      rows[at + rowMore] = i;
      p.tail[i] = i;
    } else {
      p.next[p.tail[first]!] = i;
      p.tail[first] = i;
    }
  }

  /** Move the key's next batch into its row, its oldest now; false when it has none. */
  private takeLater(at: number): boolean {
    const rows = this.keys.rows;
    const first = rows[at + rowMore]!;
    if (first < 0) return false;
    const p = this.pool;
    rows[at + rowT] = p.t[first]!;
    rows[at + rowN] = p.n[first]!;
    const next = p.next[first]!;
    if (next >= 0) p.tail[next] = p.tail[first]!;
    rows[at + rowMore] = next;
    p.release(first);
    return true;
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
    const rows = this.keys.rows;
    for (const at of this.keys.offsets()) {
      residual += rows[at + rowN]!;
      residualAgeNs += rows[at + rowN]! * (endNs - rows[at + rowT]!);
      for (let i = rows[at + rowMore]!; i >= 0; i = p.next[i]!) {
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
