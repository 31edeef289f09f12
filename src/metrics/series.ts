// Time series at a fixed interval of scenario time, bounded in length. A SeriesClock holds
// the interval every series of a run shares; a series is cut into points [i·interval,
// (i+1)·interval). When a point past `pointsMax` is needed the clock doubles the interval and
// every series merges its points pairwise, so a long run keeps at most pointsMax points per
// series and all series stay aligned (the interval a report shows is the final one).
// CounterSeries adds up events per point (arrivals, drops, responses); LevelSeries follows a
// piecewise-constant level (a queue's occupancy) and keeps per point its time integral
// (→ time-weighted mean) and its maximum.
// Each series takes either a time (its point looked up on the clock) or, from a caller that
// already looked up the point of that time on the same clock (addAt, setAt), the point: the
// metrics collector looks it up once per event time for all the series it touches (issue 9).
// A series' points live in PointColumns: Float64Arrays that double while the run is short and
// never shrink, so coarsening (which halves every series) does not make them grow again from
// half (the arrays' trimming and regrowth were 180 B of garbage a fault: issue 9).

export interface Coarsenable {
  halve(): void;
}

export class SeriesClock {
  intervalNs: number;
  readonly pointsMax: number;
  private readonly series: Coarsenable[] = [];

  constructor(intervalNs: number, pointsMax: number) {
    if (!(intervalNs > 0)) throw new RangeError(`series interval ${intervalNs} ns must be > 0`);
    if (!(Number.isInteger(pointsMax) && pointsMax >= 2)) throw new RangeError(`series pointsMax ${pointsMax} must be an integer ≥ 2`);
    this.intervalNs = intervalNs;
    this.pointsMax = pointsMax;
  }

  register(s: Coarsenable): void {
    this.series.push(s);
  }

  /** The point holding time t, doubling the interval first while t lies past pointsMax points. */
  pointOf(tNs: number): number {
    while (tNs >= this.intervalNs * this.pointsMax) {
      this.intervalNs *= 2;
      for (const s of this.series) s.halve();
    }
    return Math.floor(tNs / this.intervalNs);
  }

  /** Points needed to cover [0, endNs]: at least one. */
  pointsTo(endNs: number): number {
    this.pointOf(endNs);
    return Math.max(1, Math.ceil(endNs / this.intervalNs));
  }
}

/** Room of a PointColumn's first array (points); it doubles as needed. */
const columnStart = 16;

/** The values of every column not written yet: no room, never written (a run makes dozens of columns, many never used). */
const noValues = new Float64Array(0);

/**
 * Per-point values of one series: the first `length` entries of a Float64Array; every entry at
 * or past length is 0, so reading one past the end gives what a missing point adds (nothing).
 */
export class PointColumn {
  values = noValues;
  length = 0;

  /** Value of point i, 0 past the end. */
  at(i: number): number {
    return i < this.length ? this.values[i]! : 0;
  }

  /** Points up to p exist (new ones 0). */
  growTo(p: number): void {
    if (p < this.length) return;
    if (p >= this.values.length) {
      let room = Math.max(columnStart, this.values.length * 2);
      while (room <= p) room *= 2;
      const values = new Float64Array(room);
      values.set(this.values);
      this.values = values;
    }
    this.length = p + 1;
  }

  /**
   * Pairs of points merged (a + b, or max(a, b)): half the points, the freed ones zeroed. A loop
   * per kind and the odd last point apart: every series halves at each coarsening (issue 9).
   */
  halve(byMax: boolean): void {
    const a = this.values;
    const len = this.length;
    const pairs = len >> 1;
    if (byMax) for (let i = 0; i < pairs; i++) a[i] = Math.max(a[2 * i]!, a[2 * i + 1]!);
    else for (let i = 0; i < pairs; i++) a[i] = a[2 * i]! + a[2 * i + 1]!;
    let n = pairs;
    if ((len & 1) !== 0) {
      // The last point has no partner: merged with 0, as a missing point adds.
      a[n] = byMax ? Math.max(a[len - 1]!, 0) : a[len - 1]! + 0;
      n++;
    }
    a.fill(0, n, len);
    this.length = n;
  }

  /** Sum of the points, first to last. */
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) s += this.values[i]!;
    return s;
  }
}

export class CounterSeries implements Coarsenable {
  readonly counts = new PointColumn();

  constructor(private readonly clock: SeriesClock) {
    clock.register(this);
  }

  add(tNs: number, n: number): void {
    this.addAt(this.clock.pointOf(tNs), n);
  }

  /** Adds n at point p (the clock's pointOf of the time, looked up since the clock last coarsened). */
  addAt(p: number, n: number): void {
    const c = this.counts;
    if (p >= c.length) c.growTo(p);
    c.values[p]! += n;
  }

  halve(): void {
    this.counts.halve(false);
  }

  /** Counts per point over [0, endNs] (zeros where nothing happened). */
  points(endNs: number): number[] {
    const n = this.clock.pointsTo(endNs);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.counts.at(i);
    return out;
  }
}

export class LevelSeries implements Coarsenable {
  /** Per point: ∫ level dt over the part of the point covered so far (level·ns). */
  readonly area = new PointColumn();
  readonly max = new PointColumn();
  level = 0;
  private sinceNs = 0;
  /** The point of sinceNs (kept across coarsening), so a change needs no division for it. */
  private sincePoint = 0;

  constructor(private readonly clock: SeriesClock) {
    clock.register(this);
  }

  /** The level becomes `level` at time t (t never goes back). */
  set(tNs: number, level: number): void {
    this.setAt(tNs, this.clock.pointOf(tNs), level);
  }

  /** set() with t's point p (the clock's pointOf(tNs), looked up since the clock last coarsened). */
  setAt(tNs: number, p: number, level: number): void {
    this.advanceAt(tNs, p);
    this.level = level;
    const max = this.max.values;
    if (level > max[p]!) max[p] = level;
  }

  /** Integrate the current level from the last change up to t; returns t's point (which exists then). */
  advance(tNs: number): number {
    const last = this.clock.pointOf(tNs);
    this.advanceAt(tNs, last);
    return last;
  }

  private advanceAt(tNs: number, last: number): void {
    if (tNs <= this.sinceNs) {
      // Another change at the same time (most of a queue's events): the point exists already.
      if (last >= this.area.length) this.grow(last);
      return;
    }
    const first = this.sincePoint;
    if (first === last && last < this.area.length) {
      // The common case: still inside the point of the last change.
      this.area.values[last]! += this.level * (tNs - this.sinceNs);
      const max = this.max.values;
      if (this.level > max[last]!) max[last] = this.level;
      this.sinceNs = tNs;
      return;
    }
    this.grow(last);
    const iv = this.clock.intervalNs;
    const area = this.area.values;
    const max = this.max.values;
    let t = this.sinceNs;
    for (let p = first; p <= last; p++) {
      const end = Math.min(tNs, (p + 1) * iv);
      if (end > t) {
        area[p]! += this.level * (end - t);
        if (this.level > max[p]!) max[p] = this.level;
      }
      t = end;
    }
    this.sinceNs = tNs;
    this.sincePoint = last;
  }

  private grow(p: number): void {
    this.area.growTo(p);
    this.max.growTo(p);
  }

  halve(): void {
    this.area.halve(false);
    this.max.halve(true);
    this.sincePoint = Math.floor(this.sinceNs / this.clock.intervalNs);
  }

  /** Per point over [0, endNs]: the time-weighted mean level and the highest level. */
  points(endNs: number): { mean: number[]; max: number[] } {
    // A series never set (no point yet, level 0) would integrate zeros into columns made for it: its points read 0 either way.
    if (this.area.length !== 0) this.advance(endNs);
    const n = this.clock.pointsTo(endNs);
    const iv = this.clock.intervalNs;
    const mean = new Array<number>(n);
    const max = new Array<number>(n);
    const area = this.area;
    const highs = this.max;
    for (let i = 0; i < n; i++) {
      const span = Math.min(iv, endNs - i * iv);
      mean[i] = span > 0 ? area.at(i) / span : this.level;
      max[i] = i < highs.length ? highs.values[i]! : this.level;
    }
    return { mean, max };
  }
}
