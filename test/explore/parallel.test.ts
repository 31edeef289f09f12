// Exploration on a Piscina pool (workers started through src/explore/explore-worker.mjs, which
// registers tsx and imports the TypeScript task) gives the same per-seed results as the
// sequential exploration in this thread, with and without stopping at the first failure.

import { describe, expect, it } from 'vitest';
import { exploreScenario, type ExploreResult } from '../../src/api/index.ts';

const bySeed = (r: ExploreResult) => r.seeds.map(({ wallMs: _w, ...s }) => s);

describe('explore on piscina', () => {
  it('prq-overflow-mid-group seeds 1..6: two workers give the same summaries as one thread', async () => {
    const seq = await exploreScenario('prq-overflow-mid-group', { from: 1, to: 6, jobs: 1 });
    const par = await exploreScenario('prq-overflow-mid-group', { from: 1, to: 6, jobs: 2 });
    expect(par.jobs).toBe(2);
    expect(bySeed(par)).toEqual(bySeed(seq));
    expect(par.seeds.map((s) => s.seed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(seq.seeds.map((s) => s.traceHash)).size).toBe(6);
    expect(par.failing).toBe(0);
    expect(par.marks).toEqual(seq.marks);
  }, 60_000);

  it('stop at the first failure: the same first failing seed and the same seeds before it', async () => {
    const o = { from: 1, to: 8, bugs: ['vprq-drop-leaks-cookie'], stopAtFirst: true };
    const seq = await exploreScenario('vprq-overflow', { ...o, jobs: 1 });
    const par = await exploreScenario('vprq-overflow', { ...o, jobs: 2 });
    expect(seq.firstFailure).not.toBeNull();
    expect(par.firstFailure?.seed).toBe(seq.firstFailure!.seed);
    expect(bySeed(par)).toEqual(bySeed(seq));
    expect(par.stoppedEarly).toBe(true);
  }, 60_000);
});
