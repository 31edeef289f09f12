// The 95 % interval of a sweep's figures: Student t quantiles against the tables, and the
// mean and half-width against values computed by hand.
import { describe, expect, it } from 'vitest';
import { meanInterval, tQuantile975 } from '../../src/metrics/confidence.ts';

describe('Student t quantile t(0.975, df)', () => {
  it('matches the tables for small samples', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062, 4);
    expect(tQuantile975(2)).toBeCloseTo(4.3027, 4);
    expect(tQuantile975(4)).toBeCloseTo(2.7764, 4);
    expect(tQuantile975(9)).toBeCloseTo(2.2622, 4);
    expect(tQuantile975(30)).toBeCloseTo(2.0423, 4);
  });

  it('continues past the table with the expansion, towards the normal 1.96', () => {
    expect(tQuantile975(31)).toBeCloseTo(2.0395, 4);
    expect(tQuantile975(40)).toBeCloseTo(2.0211, 4);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 4);
    expect(tQuantile975(100_000)).toBeCloseTo(1.96, 3);
    for (let df = 2; df <= 200; df++) expect(tQuantile975(df)).toBeLessThan(tQuantile975(df - 1));
  });

  it('refuses a degree of freedom that is not a whole number ≥ 1', () => {
    expect(() => tQuantile975(0)).toThrow(RangeError);
    expect(() => tQuantile975(1.5)).toThrow(RangeError);
  });
});

describe('mean and 95 % interval across seeds', () => {
  it('uses n − 1 degrees of freedom and the sample deviation', () => {
    // 1, 2, 3: mean 2, s = 1, half-width t(0.975, 2) · 1/√3 = 4.302653 / 1.732051.
    const a = meanInterval([1, 2, 3]);
    expect(a.n).toBe(3);
    expect(a.mean).toBe(2);
    expect(a.ci95).toBeCloseTo(2.484138, 5);
    // 10, 12: mean 11, s = √2, half-width 12.706205 · √2 / √2.
    expect(meanInterval([10, 12]).ci95).toBeCloseTo(12.706205, 5);
    // Equal values: no spread, a zero-width interval.
    expect(meanInterval([5, 5, 5, 5]).ci95).toBe(0);
  });

  it('has no interval with one sample, and skips values that are not finite', () => {
    expect(meanInterval([7])).toEqual({ n: 1, mean: 7, ci95: null });
    expect(meanInterval([Number.NaN, 7])).toEqual({ n: 1, mean: 7, ci95: null });
    const none = meanInterval([]);
    expect(none.n).toBe(0);
    expect(none.mean).toBeNaN();
  });
});
