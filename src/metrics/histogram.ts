// The one latency histogram of faultline (HDR-style, log-linear), held as plain data so it
// lives in actor state, crosses threads by structured clone and writes as JSON. Values below
// 128 get one bucket per integer (exact for integer ns); from 128 on, each power of two
// [2^e, 2^e+1) is split into 128 equal sub-buckets, so a bucket is at most 1/128 of its low
// edge wide and the value reported for it (its middle, clamped to the recorded min and max)
// is within 1/256 (0.4 %) of any value it holds. The bucket array grows with the largest
// value recorded (about 3,600 buckets for 10 s in ns). Histograms merge by adding counts:
// across tiers, workers, seeds and runs, with the same result in any order.

export const histogramSubBits = 7;
const subCount = 1 << histogramSubBits;

/** Worst relative error of quantile() against the true value at that rank (values ≥ 128 or integers). */
export const histogramRelativeErrorMax = 1 / (2 * subCount);

export interface Histogram {
  /** counts[b]: values in bucket b (bucketBoundsNs(b)); trailing empty buckets are not stored. */
  counts: number[];
  total: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Born with sum and max as double fields, then set to 0: the fields keep that representation, so
 * every histogram has one hidden class from its creation. Born as small integers, they changed
 * class at the first fractional value, and code optimized in an earlier run deoptimized ('wrong
 * map') on each new run's fresh histograms (issue 9).
 */
export function createHistogram(): Histogram {
  const h: Histogram = { counts: [], total: 0, sum: 0.5, min: Infinity, max: 0.5 };
  h.sum = 0;
  h.max = 0;
  return h;
}

/** The bucket a value falls in (negative values count as 0). */
export function bucketOf(v: number): number {
  if (!(v >= subCount)) return v > 0 ? Math.floor(v) : 0;
  if (v < 2147483648) {
    // Integer arithmetic: floor(v / 2^shift) = floor(v) >>> shift.
    const i = Math.floor(v);
    const shift = 31 - Math.clz32(i) - histogramSubBits;
    return (shift + 1) * subCount + (i >>> shift) - subCount;
  }
  let shift = Math.floor(Math.log2(v)) - histogramSubBits;
  // log2 rounds near powers of two: correct the exponent so the sub-bucket is in range.
  let sub = Math.floor(v / 2 ** shift) - subCount;
  if (sub < 0) {
    shift--;
    sub = Math.floor(v / 2 ** shift) - subCount;
  } else if (sub >= subCount) {
    shift++;
    sub = Math.floor(v / 2 ** shift) - subCount;
  }
  return (shift + 1) * subCount + sub;
}

/** [low, high) of bucket b, in the histogram's unit. */
export function bucketBoundsNs(b: number): [number, number] {
  if (b < subCount) return [b, b + 1];
  const shift = Math.floor(b / subCount) - 1;
  const low = ((b % subCount) + subCount) * 2 ** shift;
  return [low, low + 2 ** shift];
}

export function record(h: Histogram, v: number): void {
  const b = bucketOf(v);
  const counts = h.counts;
  while (counts.length <= b) counts.push(0);
  counts[b]!++;
  h.total++;
  h.sum += v;
  if (v < h.min) h.min = v;
  if (v > h.max) h.max = v;
}

export function merge(into: Histogram, from: Histogram): void {
  while (into.counts.length < from.counts.length) into.counts.push(0);
  for (let i = 0; i < from.counts.length; i++) into.counts[i]! += from.counts[i]!;
  into.total += from.total;
  into.sum += from.sum;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
}

/**
 * Value at quantile q in [0, 1] by nearest rank (the ceil(q·total)-th smallest value): the
 * middle of the bucket holding it, clamped to [min, max]. NaN when empty.
 */
export function quantile(h: Histogram, q: number): number {
  if (h.total === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * h.total));
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) {
    seen += h.counts[b]!;
    if (seen < rank) continue;
    const [low, high] = bucketBoundsNs(b);
    const mid = b < subCount ? low : (low + high) / 2;
    return Math.min(h.max, Math.max(h.min, mid));
  }
  return h.max;
}

export function mean(h: Histogram): number {
  return h.total === 0 ? NaN : h.sum / h.total;
}

/** What a report shows of a histogram, and the whole of it: every non-empty bucket as [lowNs, highNs, count]. */
export interface LatencySummary {
  count: number;
  meanNs: number;
  minNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  p9999Ns: number;
  maxNs: number;
  buckets: [number, number, number][];
}

/** The quantiles a summary shows, ascending (so one pass over the buckets finds them all). */
const summaryQuantiles = [0.5, 0.9, 0.99, 0.999, 0.9999] as const;

/** One pass over the buckets for every figure: a report summarizes every hop histogram at the end of each run (issue 9). */
export function summarize(h: Histogram): LatencySummary {
  const buckets: [number, number, number][] = [];
  const at = [NaN, NaN, NaN, NaN, NaN];
  const empty = h.total === 0;
  // quantile()'s nearest ranks, found in the same walk: the first bucket whose cumulative count reaches each.
  // A Float64Array, one class in every run: an array from map() held small integers or doubles run by run, and summarize deoptimized.
  const ranks = new Float64Array(summaryQuantiles.length);
  for (let i = 0; i < ranks.length; i++) ranks[i] = Math.max(1, Math.ceil(summaryQuantiles[i]! * h.total));
  let next = 0;
  let seen = 0;
  const counts = h.counts;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    seen += c;
    if (!(c > 0)) continue;
    const [low, high] = bucketBoundsNs(b);
    buckets.push([low, high, c]);
    while (next < ranks.length && seen >= ranks[next]!) {
      const mid = b < subCount ? low : (low + high) / 2;
      at[next++] = Math.min(h.max, Math.max(h.min, mid));
    }
  }
  // Counts short of total (a summary read back with a wrong count): quantile() answers max.
  if (!empty) while (next < ranks.length) at[next++] = h.max;
  return {
    count: h.total,
    meanNs: mean(h),
    minNs: empty ? NaN : h.min,
    p50Ns: at[0]!,
    p90Ns: at[1]!,
    p99Ns: at[2]!,
    p999Ns: at[3]!,
    p9999Ns: at[4]!,
    maxNs: empty ? NaN : h.max,
    buckets,
  };
}

/** A summary's buckets back into a histogram (to merge reports of several runs or seeds). */
export function histogramOf(s: LatencySummary): Histogram {
  const h = createHistogram();
  for (const [low, , count] of s.buckets) {
    const b = bucketOf(low);
    while (h.counts.length <= b) h.counts.push(0);
    h.counts[b]! += count;
  }
  h.total = s.count;
  h.sum = s.count === 0 ? 0 : s.meanNs * s.count;
  h.min = s.count === 0 ? Infinity : s.minNs;
  h.max = s.count === 0 ? 0 : s.maxNs;
  return h;
}
