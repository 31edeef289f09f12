// The latency histogram (src/metrics/histogram.ts): every quantile within its relative error
// bound of the exact nearest-rank value from a sorted array, merging equals recording
// everything in one, and the summary keeps the buckets whole (and rebuilds the histogram).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketBoundsNs, bucketOf, createHistogram, histogramOf, histogramRelativeErrorMax, merge, quantile, record, summarize } from '../../src/metrics/histogram.ts';

const exactQuantile = (sorted: number[], q: number): number => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
const qs = [0, 0.01, 0.5, 0.9, 0.99, 0.999, 0.9999, 1];

describe('latency histogram', () => {
  it('a new histogram is empty with +0 sum and max (born as doubles, then zeroed: no -0 in a report)', () => {
    const h = createHistogram();
    expect(h).toEqual({ counts: [], total: 0, sum: 0, min: Infinity, max: 0 });
    expect(Object.is(h.sum, 0) && Object.is(h.max, 0)).toBe(true);
  });

  it('puts every value in the bucket whose bounds hold it, buckets at most 1/128 of their low edge wide', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e13, noNaN: true }), (v) => {
        const b = bucketOf(v);
        const [low, high] = bucketBoundsNs(b);
        expect(v >= low || (v < 1 && low === 0)).toBe(true);
        expect(v < high).toBe(true);
        if (low >= 128) expect((high - low) / low).toBeLessThanOrEqual(1 / 128);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports every quantile within 1/256 of the exact value, for integer ns and for values of 128 ns and up', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 128, max: 1e11, noNaN: true })), { minLength: 1, maxLength: 400 }), (values) => {
        const h = createHistogram();
        for (const v of values) record(h, v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of qs) {
          const exact = exactQuantile(sorted, q);
          expect(Math.abs(quantile(h, q) - exact)).toBeLessThanOrEqual(exact * histogramRelativeErrorMax + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('percentiles of a log-normal-like sample against the sorted array (p50 … p99.99, max, mean)', () => {
    const h = createHistogram();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const v = Math.round(1000 * Math.exp(3 * (x / 2 ** 31)));
      values.push(v);
      record(h, v);
    }
    values.sort((a, b) => a - b);
    const s = summarize(h);
    for (const [q, got] of [
      [0.5, s.p50Ns],
      [0.9, s.p90Ns],
      [0.99, s.p99Ns],
      [0.999, s.p999Ns],
      [0.9999, s.p9999Ns],
    ] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(histogramRelativeErrorMax);
    }
    expect(s.maxNs).toBe(values[values.length - 1]);
    expect(s.minNs).toBe(values[0]);
    expect(s.meanNs).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    expect(s.buckets.reduce((n, [, , c]) => n + c, 0)).toBe(100_000);
  });

  it('merging equals recording everything in one, in any order (workers, seeds)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 1e9 }), { maxLength: 50 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const all = createHistogram();
        const merged = createHistogram();
        const reversed = createHistogram();
        const hs = parts.map((p) => {
          const h = createHistogram();
          for (const v of p) {
            record(h, v);
            record(all, v);
          }
          return h;
        });
        for (const h of hs) merge(merged, h);
        for (const h of [...hs].reverse()) merge(reversed, h);
        const trim = (c: number[]): number[] => {
          const a = [...c];
          while (a.length && a[a.length - 1] === 0) a.pop();
          return a;
        };
        expect(trim(merged.counts)).toEqual(trim(all.counts));
        expect(trim(reversed.counts)).toEqual(trim(all.counts));
        expect([merged.total, merged.min, merged.max]).toEqual([all.total, all.min, all.max]);
        for (const q of qs) expect(quantile(merged, q)).toBe(quantile(all, q));
      }),
      { numRuns: 200 },
    );
  });

  it('a summary rebuilds the histogram it came from (its buckets are kept whole)', () => {
    const h = createHistogram();
    for (const v of [1, 5, 130, 131, 4096, 1e6, 3.3e9, 7e10]) record(h, v);
    const back = histogramOf(summarize(h));
    for (const q of qs) expect(quantile(back, q)).toBe(quantile(h, q));
    expect(back.total).toBe(h.total);
  });

  it("a summary's percentiles (found in one pass over the buckets) are quantile()'s, also when the counts fall short of the total", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e10, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.nat(3), (vs, short) => {
        const h = createHistogram();
        for (const v of vs) record(h, v);
        if (short > 0) h.total += short; // counts short of total: quantile() answers max past them
        const s = summarize(h);
        expect([s.p50Ns, s.p90Ns, s.p99Ns, s.p999Ns, s.p9999Ns]).toEqual([0.5, 0.9, 0.99, 0.999, 0.9999].map((q) => quantile(h, q)));
      }),
      { numRuns: 200 },
    );
  });

  it('an empty histogram has NaN quantiles and no buckets', () => {
    const s = summarize(createHistogram());
    expect(s.count).toBe(0);
    expect(s.p99Ns).toBeNaN();
    expect(s.buckets).toEqual([]);
  });
});
