// A log-linear latency histogram held as plain data (so it lives in actor state and crosses
// threads by structured clone): 2^k ranges split into 16 linear sub-buckets, about 6 %
// relative precision, from 1 ns to 2^52 ns. Histograms merge by adding counts.

const subBits = 4;
const subCount = 1 << subBits;
const rangeCount = 53;

export interface Histogram {
  counts: number[];
  total: number;
  sum: number;
  min: number;
  max: number;
}

export function createHistogram(): Histogram {
  return { counts: new Array<number>(rangeCount * subCount).fill(0), total: 0, sum: 0, min: Infinity, max: 0 };
}

function bucketOf(v: number): number {
  if (v < subCount) return Math.max(0, Math.floor(v));
  const shift = Math.floor(Math.log2(v)) - subBits;
  const sub = Math.min(subCount - 1, Math.floor(v / 2 ** shift) - subCount);
  return Math.min(rangeCount * subCount - 1, (shift + 1) * subCount + sub);
}

function bucketLow(b: number): number {
  if (b < subCount) return b;
  const shift = Math.floor(b / subCount) - 1;
  const sub = b % subCount;
  return (sub + subCount) * 2 ** shift;
}

export function record(h: Histogram, v: number): void {
  h.counts[bucketOf(v)]!++;
  h.total++;
  h.sum += v;
  if (v < h.min) h.min = v;
  if (v > h.max) h.max = v;
}

export function merge(into: Histogram, from: Histogram): void {
  for (let i = 0; i < into.counts.length; i++) into.counts[i]! += from.counts[i]!;
  into.total += from.total;
  into.sum += from.sum;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
}

/** Value at quantile q in [0, 1]: the middle of the bucket holding it, clamped to [min, max]. */
export function quantile(h: Histogram, q: number): number {
  if (h.total === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * h.total));
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) {
    seen += h.counts[b]!;
    if (seen < rank) continue;
    const mid = b < subCount ? b : (bucketLow(b) + bucketLow(b + 1)) / 2;
    return Math.min(h.max, Math.max(h.min, mid));
  }
  return h.max;
}

export function mean(h: Histogram): number {
  return h.total === 0 ? NaN : h.sum / h.total;
}
