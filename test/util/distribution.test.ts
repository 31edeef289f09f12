import { describe, expect, it } from 'vitest';
import { asDistribution, meanOf, quantile, sample, supportOf, type Distribution } from '../../src/util/distribution.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import { distribution } from '../../src/scenario/distribution-check.ts';

function stats(d: Distribution, n = 200_000): { mean: number; min: number; max: number; draws: number[] } {
  const rng = createRng(rngStateFrom(7, 3));
  const draws: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = sample(d, rng);
    draws.push(x);
    sum += x;
  }
  return { mean: sum / n, min: Math.min(...draws.slice(0, 50_000)), max: Math.max(...draws.slice(0, 50_000)), draws };
}

describe('distributions', () => {
  it('a fixed value draws no randomness', () => {
    const rng = createRng(rngStateFrom(1, 1));
    expect(sample(asDistribution(1000), rng)).toBe(1000);
    expect(rng.nextU32()).toBe(createRng(rngStateFrom(1, 1)).nextU32());
  });

  it.each<[Distribution, number]>([
    [{ dist: 'uniform', min: 100, max: 300 }, 0.01],
    [{ dist: 'exponential', mean: 5000 }, 0.01],
    [{ dist: 'lognormal', median: 1000, sigma: 0.5 }, 0.01],
    [
      {
        dist: 'empirical',
        points: [
          [200, 0],
          [800, 0.5],
          [5000, 0.99],
          [20000, 1],
        ],
      },
      0.01,
    ],
  ])('%o: the sample mean matches the exact mean', (d, tol) => {
    const s = stats(d);
    expect(Math.abs(s.mean - meanOf(d)) / meanOf(d)).toBeLessThan(tol);
    const [lo, hi] = supportOf(d);
    expect(s.min).toBeGreaterThanOrEqual(Math.floor(lo));
    expect(s.max).toBeLessThanOrEqual(Math.ceil(hi));
  });

  it('the exponential median and the lognormal quantiles are the closed forms', () => {
    expect(quantile({ dist: 'exponential', mean: 1000 }, 0.5)).toBeCloseTo(1000 * Math.LN2, 6);
    expect(quantile({ dist: 'lognormal', median: 1000, sigma: 1 }, 0.5)).toBeCloseTo(1000, 6);
    expect(quantile({ dist: 'lognormal', median: 1000, sigma: 1 }, 0.975)).toBeCloseTo(1000 * Math.exp(1.959963985), 3);
    const s = stats({ dist: 'exponential', mean: 1000 });
    const sorted = s.draws.slice().sort((a, b) => a - b);
    expect(Math.abs(sorted[Math.floor(sorted.length * 0.9)]! - quantile({ dist: 'exponential', mean: 1000 }, 0.9)) / 2302.6).toBeLessThan(0.02);
  });
});

describe('the scenario form of a distribution', () => {
  const check = distribution(0, 1e12);
  it('keeps a number as written', () => {
    expect(check(1000, 'scenario.sim.latencyNs')).toBe(1000);
  });
  it('accepts each kind', () => {
    expect(check({ dist: 'exponential', mean: 10 }, 'x')).toEqual({ dist: 'exponential', mean: 10 });
    expect(
      check(
        {
          dist: 'empirical',
          points: [
            [1, 0.5],
            [2, 1],
          ],
        },
        'x',
      ),
    ).toEqual({
      dist: 'empirical',
      points: [
        [1, 0.5],
        [2, 1],
      ],
    });
  });
  it('names the key, the value and what would work', () => {
    expect(() => check({ dist: 'exponental', mean: 1 }, 'scenario.sim.latencyNs')).toThrow(/scenario\.sim\.latencyNs\.dist: expected one of .*'exponential'.*did you mean/);
    expect(() => check({ dist: 'uniform', min: 5, max: 1 }, 'p')).toThrow(/p\.max: expected a number >= min \(5\), got 1/);
    expect(() => check({ dist: 'exponential', men: 1 }, 'p')).toThrow(/p\.men: unknown key for a 'exponential' distribution/);
    expect(() =>
      check(
        {
          dist: 'empirical',
          points: [
            [1, 0.5],
            [2, 0.9],
          ],
        },
        'p',
      ),
    ).toThrow(/p\.points\[1\]\[1\]: expected a last cumulative probability of 1/);
    expect(() =>
      check(
        {
          dist: 'empirical',
          points: [
            [3, 0.5],
            [2, 1],
          ],
        },
        'p',
      ),
    ).toThrow(/p\.points\[1\]: expected a point at or after \[3, 0.5\]/);
    expect(() => check('fast', 'p')).toThrow(/p: expected a number, or \{ dist:/);
  });
});
