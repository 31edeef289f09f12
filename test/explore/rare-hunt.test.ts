// The default exploration strategy (the portfolio) on the rare-window fixtures of the race-search
// benchmark (bench/fixtures/rare/, issue 10): within a small fixed seed range it finds bugs that
// uniform random sampling misses on the same and larger ranges, and its finding replays from its
// line. The seeds are the ones the benchmark measured (bench/RESULTS.md); deterministic, so a change
// that moves them is a change to the search and shows here.
import { describe, expect, it } from 'vitest';
import { exploreScenario, replay } from '../../src/api/index.ts';
import { fixturePath } from '../../bench/explore.bench.ts';

const hunts = [
  { fixture: 'rare-flr-prgi-reuse', bug: 'vmm-prgi-only-match', invariant: 'I2', randomClean: 12 },
  { fixture: 'rare-pasid-teardown-reuse', bug: 'no-drain-before-reuse', invariant: 'I7', randomClean: 20 },
] as const;

describe('the default strategy on rare windows', () => {
  it.each(hunts)('finds $bug ($invariant) in $fixture on seed 2 (pct: the late end of the handler window), and the line replays it', async ({ fixture, bug, invariant }) => {
    const r = await exploreScenario(fixturePath(fixture), { from: 1, to: 4, bugs: [bug], stopAtFirst: true, jobs: 1 });
    expect(r.strategy).toBe('portfolio');
    expect(r.errors).toBe(0);
    expect(r.firstFailure?.seed).toBe(2);
    expect(r.firstFailure?.strategy).toBe('pct');
    expect(r.firstFailure?.failedInvariants[invariant]).toBeGreaterThan(0);
    expect(r.firstFailure?.replay).toMatch(/--strategy pct --depth 3 --steps-estimate \d+$/);
    const again = await replay(r.firstFailure!.replay);
    expect(again.traceHash).toBe(r.firstFailure!.traceHash);
    expect(again.ok).toBe(false);
  });

  it.each(hunts)('random, sampling the same windows, finds nothing in $fixture on seeds 1..$randomClean', async ({ fixture, bug, randomClean }) => {
    const r = await exploreScenario(fixturePath(fixture), { from: 1, to: randomClean, bugs: [bug], strategy: 'random', jobs: 1 });
    expect(r.errors).toBe(0);
    expect(r.failing).toBe(0);
    expect(r.seeds).toHaveLength(randomClean);
  });
});
