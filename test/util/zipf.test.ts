// The Zipf sampler (rejection-inversion): rank frequencies follow 1/k^s for skews below, at and
// above 1, every draw is a rank in 1..n, and a seeded stream gives the same ranks again.
import { describe, expect, it } from 'vitest';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import { sampleZipf, zipfProbability, zipfSampler } from '../../src/util/zipf.ts';

function frequencies(n: number, skew: number, draws: number, seed = 1): number[] {
  const z = zipfSampler(n, skew);
  const rng = createRng(rngStateFrom(seed));
  const counts = new Array<number>(n + 1).fill(0);
  let outside = 0;
  for (let i = 0; i < draws; i++) {
    const k = sampleZipf(z, rng);
    if (Number.isInteger(k) && k >= 1 && k <= n) counts[k]!++;
    else outside++;
  }
  expect(outside, 'draws outside 1..n').toBe(0);
  return counts;
}

describe('zipf ranks', () => {
  for (const skew of [0.6, 1, 1.5]) {
    it(`skew ${skew}: each of the top 20 ranks within 4 standard deviations of draws / (k^s H(n,s)), and a chi-square that fits`, () => {
      const n = 200;
      const draws = 200_000;
      const counts = frequencies(n, skew, draws);
      let chi = 0;
      for (let k = 1; k <= n; k++) {
        const p = zipfProbability(n, skew, k);
        const expected = draws * p;
        if (k <= 20) expect(Math.abs(counts[k]! - expected), `rank ${k}`).toBeLessThan(4 * Math.sqrt(expected * (1 - p)));
        chi += (counts[k]! - expected) ** 2 / expected;
      }
      // 199 degrees of freedom: mean 199, sd ≈ 20; 300 is beyond 5 sd.
      expect(chi).toBeLessThan(300);
    });
  }

  it('rank 1 over rank k is k^s', () => {
    const counts = frequencies(1000, 1.2, 300_000);
    expect(counts[1]! / counts[4]!).toBeCloseTo(4 ** 1.2, 0);
  });

  it('is deterministic for a seed', () => {
    expect(frequencies(50, 1.1, 1000, 7)).toEqual(frequencies(50, 1.1, 1000, 7));
  });
});
