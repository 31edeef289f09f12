// Address patterns (actors/device/workload.ts): sequential and strided visit every page once per
// sweep in their order, uniform draws one number per access, hotset sends hotProbability of the
// accesses to its first ceil(hotFraction × pages) pages, zipf ranks pages 0, 1, 2, … hottest first.
import { describe, expect, it } from 'vitest';
import type { SpaceState } from '../../../actors/device/device-state.ts';
import { hotPages, nextAccess } from '../../../actors/device/workload.ts';
import type { WorkloadConfig } from '../../../src/config/tier-configs.ts';
import type { PatternConfig } from '../../../src/config/workload.ts';
import { createRng, rngStateFrom } from '../../../src/util/rng.ts';
import { zipfProbability, zipfSampler } from '../../../src/util/zipf.ts';
import { config } from './support.ts';

function pages(pattern: PatternConfig, count: number, pagesTotal = 10): number[] {
  const w: WorkloadConfig = { ...config().workload, pattern, pages: pagesTotal };
  const space = { nextPage: 0 } as SpaceState;
  const rng = createRng(rngStateFrom(3));
  const z = pattern.kind === 'zipf' ? zipfSampler(pagesTotal, pattern.skew) : null;
  return Array.from({ length: count }, () => nextAccess(w, space, rng, z).page);
}

describe('address patterns', () => {
  it('sequential walks the pages in order and wraps', () => {
    expect(pages({ kind: 'sequential' }, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('strided visits 0, s, 2s, … then the next lane, every page once per sweep', () => {
    expect(pages({ kind: 'strided', stride: 4 }, 11)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 3, 7, 0]);
    expect(pages({ kind: 'strided', stride: 16 }, 3)).toEqual([0, 1, 2]);
    const sweep = pages({ kind: 'strided', stride: 7 }, 100, 100);
    expect(new Set(sweep).size).toBe(100);
  });

  it('uniform covers the pages evenly', () => {
    const counts = new Array<number>(10).fill(0);
    for (const p of pages({ kind: 'uniform' }, 50_000)) counts[p]!++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(4 * Math.sqrt(5000));
  });

  it('hotset: hotProbability of the accesses land on the hot pages', () => {
    const hot = hotPages(1000, 0.05);
    expect(hot).toBe(50);
    const drawn = pages({ kind: 'hotset', hotFraction: 0.05, hotProbability: 0.8 }, 100_000, 1000);
    const share = drawn.filter((p) => p < hot).length / drawn.length;
    expect(Math.abs(share - 0.8)).toBeLessThan(4 * Math.sqrt((0.8 * 0.2) / 100_000));
    // Within each set the pages are uniform: the cold set gets 0.2 / 950 per page.
    expect(drawn.filter((p) => p === 999).length / drawn.length).toBeCloseTo(0.2 / 950, 3);
  });

  it('zipf: page k − 1 is drawn with probability 1/k^s / H(n, s)', () => {
    const n = 100;
    const drawn = pages({ kind: 'zipf', skew: 1.1 }, 100_000, n);
    for (const k of [1, 2, 5, 10]) {
      const p = zipfProbability(n, 1.1, k);
      const got = drawn.filter((x) => x === k - 1).length;
      expect(Math.abs(got - 100_000 * p), `rank ${k}`).toBeLessThan(4 * Math.sqrt(100_000 * p));
    }
  });
});
