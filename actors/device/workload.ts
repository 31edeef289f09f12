// The DMA workload of one address space: when to stop issuing accesses, and which page and
// direction the next access takes. Sequential walks the pages in order (shared by the
// space's slots); random draws a page from ctx.rng. Draws only happen when needed, so a
// writeRatio of 0 or 1 consumes no randomness.

import type { Rng } from '../../src/util/rng.ts';
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

export function nextAccess(w: WorkloadConfig, space: SpaceState, rng: Rng): { page: number; write: boolean } {
  let page: number;
  if (w.pattern === 'sequential') {
    page = space.nextPage;
    space.nextPage = (space.nextPage + 1) % w.pages;
  } else {
    page = rng.int(w.pages);
  }
  const write = w.writeRatio >= 1 ? true : w.writeRatio <= 0 ? false : rng.chance(w.writeRatio);
  return { page, write };
}
