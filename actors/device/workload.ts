// The DMA workload of one address space: when to stop issuing accesses, and which page and
// direction the next access takes (the address pattern). Sequential and strided walk the
// pages with a cursor shared by the space's slots; uniform, hotset and zipf draw from
// ctx.rng. Draws only happen when needed, so a writeRatio of 0 or 1 consumes no randomness,
// and uniform takes exactly one draw per access (the closed loop's 'random' of before).

import type { Rng } from '../../src/util/rng.ts';
import { sampleZipf, type ZipfSampler } from '../../src/util/zipf.ts';
import type { WorkloadConfig } from '../../src/config/tier-configs.ts';
import type { SpaceState } from './device-state.ts';

/**
 * No new access once accessesMax accesses were started in the space (0: no limit) or the run
 * reached durationNs (0: no time limit). Accesses already started still finish.
 */
export function workloadDone(w: WorkloadConfig, space: SpaceState, nowNs: number): boolean {
  if (w.accessesMax > 0 && space.started >= w.accessesMax) return true;
  return w.durationNs > 0 && nowNs >= w.durationNs;
}

export function nextAccess(w: WorkloadConfig, space: SpaceState, rng: Rng, zipf: ZipfSampler | null): { page: number; write: boolean } {
  const page = nextPage(w, space, rng, zipf);
  const write = w.writeRatio >= 1 ? true : w.writeRatio <= 0 ? false : rng.chance(w.writeRatio);
  return { page, write };
}

function nextPage(w: WorkloadConfig, space: SpaceState, rng: Rng, zipf: ZipfSampler | null): number {
  const p = w.pattern;
  switch (p.kind) {
    case 'sequential': {
      const page = space.nextPage;
      space.nextPage = (page + 1) % w.pages;
      return page;
    }
    case 'uniform':
      return rng.int(w.pages);
    case 'strided': {
      const page = space.nextPage;
      let next = page + p.stride;
      if (next >= w.pages) {
        // The next lane: page % stride + 1, back to 0 after the last lane.
        next = (page % p.stride) + 1;
        if (next >= p.stride || next >= w.pages) next = 0;
      }
      space.nextPage = next;
      return page;
    }
    case 'hotset': {
      const hot = hotPages(w.pages, p.hotFraction);
      if (hot >= w.pages) return rng.int(w.pages);
      return rng.chance(p.hotProbability) ? rng.int(hot) : hot + rng.int(w.pages - hot);
    }
    case 'zipf':
      return sampleZipf(zipf!, rng) - 1;
  }
}

/** Pages of the hot set: the first ceil(hotFraction × pages), at least one. */
export function hotPages(pages: number, hotFraction: number): number {
  return Math.max(1, Math.min(pages, Math.ceil(hotFraction * pages)));
}
