// Sharded runs through the API: four shards of an exploration and of a sweep, merged, give the
// unsharded run's result (JSON, text and the sweep's --out files) except its wall-clock fields;
// the split is round robin and balanced; merge refuses files that are not one whole run,
// naming the file.
import { describe, expect, it } from 'vitest';
import {
  exploreScenario,
  exploreShard,
  FaultlineError,
  formatExplore,
  formatSweep,
  mergeResults,
  sweepCsv,
  sweepJson,
  sweepScenario,
  sweepShard,
  type ExploreResult,
  type ExploreShardFile,
  type SweepResult,
  type SweepShardFile,
} from '../../src/api/index.ts';
import { sweepHtml } from '../../src/report/outputs/sweep-html.ts';
import { inShard, parseShard, shardSize } from '../../src/explore/shard.ts';

/**
 * The fields a sharded run may not reproduce: wall-clock time only. `wallMs` (the whole run's
 * and every seed's or run's) is how long the machine took; there are no timestamps in these
 * results. Everything else (seeds, verdicts, trace hashes, marks, figures, means, intervals,
 * jobs when every run is given the same --jobs) must be equal.
 */
const wallClockFields = ['wallMs'] as const;
const withoutWallClock = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x: unknown) => ((wallClockFields as readonly string[]).includes(k) ? undefined : x)));
const zeroWall = <T extends { wallMs: number }>(r: T): T => ({ ...r, wallMs: 0 });

const shards = [1, 2, 3, 4].map((index) => ({ index, count: 4 }));

const refusal = (f: () => unknown): FaultlineError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(FaultlineError);
    return err as FaultlineError;
  }
  throw new Error('no refusal');
};

describe('--shard i/n', () => {
  it('is 1-based and refused out of range, naming the option and what works', () => {
    expect(parseShard('2/4', '--shard')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('5/4', '--shard')).toThrow(/--shard 5\/4: shards are numbered 1\.\.4; got 5/);
    expect(() => parseShard('0/4', '--shard')).toThrow(/JOB_COMPLETION_INDEX needs \+1/);
    expect(() => parseShard('1/0', '--shard')).toThrow(/the shard count must be a whole number from 1/);
    expect(() => parseShard('two', '--shard')).toThrow(/--shard two: the form is i\/n/);
  });

  it('splits a list round robin: every item in exactly one shard, shard sizes within one of each other', () => {
    for (const count of [1, 3, 4, 7]) {
      const sizes = Array.from({ length: count }, (_, i) => Array.from({ length: 20 }, (_, k) => k).filter((k) => inShard(k, { index: i + 1, count })).length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes).toEqual(sizes.map((_, i) => shardSize(20, { index: i + 1, count })));
    }
  });
});

describe('merging four shards gives the unsharded run', () => {
  it('explore: a race scenario with its bug toggle over 20 seeds (JSON and text)', async () => {
    const o = { seeds: 20, bugs: ['vprq-drop-leaks-cookie'], jobs: 1 };
    const whole = await exploreScenario('vprq-overflow', o);
    const files = await Promise.all(shards.map((shard) => exploreShard('vprq-overflow', { ...o, shard })));
    expect(files.map((f) => f.result.seeds.map((s) => s.seed))).toEqual([
      [1, 5, 9, 13, 17],
      [2, 6, 10, 14, 18],
      [3, 7, 11, 15, 19],
      [4, 8, 12, 16, 20],
    ]);
    expect(whole.failing).toBeGreaterThan(0);
    // Merged in any order of the files, and from files as they were written (JSON), not only objects.
    const merged = mergeResults([files[2]!, files[0]!, files[3]!, JSON.parse(JSON.stringify(files[1]))]);
    expect(merged.kind).toBe('explore');
    const r = merged.result as ExploreResult;
    expect(withoutWallClock(r)).toEqual(withoutWallClock(whole));
    expect(r.wallMs).toBeCloseTo(files.reduce((a, f) => a + f.result.wallMs, 0));
    expect(formatExplore(zeroWall(r))).toBe(formatExplore(zeroWall(whole)));
  }, 120_000);

  it('explore --strategy portfolio with the self-check: a seed keeps its strategy and its self-check in whichever shard runs it', async () => {
    const o = { seeds: 10, bugs: ['vprq-drop-leaks-cookie'], jobs: 1, strategy: 'portfolio' as const, checkDeterminism: 3, durationMs: 2 };
    const whole = await exploreScenario('vprq-overflow', o);
    const files = await Promise.all(shards.slice(0, 3).map((s) => exploreShard('vprq-overflow', { ...o, shard: { index: s.index, count: 3 } })));
    expect(files[1]!.run.options.strategy).toBe('portfolio');
    const r = mergeResults(files).result as ExploreResult;
    expect(new Set(whole.seeds.map((s) => s.strategy)).size).toBeGreaterThan(2);
    expect(withoutWallClock(r)).toEqual(withoutWallClock(whole));
    await expect(exploreShard('vprq-overflow', { ...o, timeMs: 1000, shard: { index: 1, count: 2 } })).rejects.toThrow(/timeMs cannot be combined with .*shard/);
  }, 120_000);

  it('explore --stop-at-first: each shard stops at its own first failure; the merge keeps the seeds up to the lowest', async () => {
    const o = { seeds: 12, bugs: ['vprq-drop-leaks-cookie'], jobs: 1, stopAtFirst: true };
    const whole = await exploreScenario('vprq-overflow', o);
    const files = await Promise.all(shards.map((shard) => exploreShard('vprq-overflow', { ...o, shard })));
    const r = mergeResults(files).result as ExploreResult;
    expect(withoutWallClock(r)).toEqual(withoutWallClock(whole));
    expect(r.stoppedEarly).toBe(whole.stoppedEarly);
  }, 120_000);

  it('sweep: a 2-point grid × 3 seeds (JSON, text, sweep.csv, sweep.json and report.html)', async () => {
    const o = { set: ['workload.inFlight=2,8'], seeds: 3, durationMs: 1, jobs: 1 };
    const whole = await sweepScenario('prq-overflow-mid-group', o);
    const files = await Promise.all(shards.map((shard) => sweepShard('prq-overflow-mid-group', { ...o, shard })));
    // 6 runs, point-major (point 0 seeds 1..3, point 1 seeds 1..3), dealt round robin.
    expect(files.map((f) => f.result.runs.map((x) => `${x.point}:${x.seed}`))).toEqual([['0:1', '1:2'], ['0:2', '1:3'], ['0:3'], ['1:1']]);
    const r = mergeResults(files.map((f) => JSON.parse(JSON.stringify(f)) as SweepShardFile)).result as SweepResult;
    expect(withoutWallClock(r)).toEqual(withoutWallClock(whole));
    expect(r.points).toHaveLength(2);
    expect(r.points[0]!.figures.throughputPerSec!.ci95).not.toBeNull();
    expect(formatSweep(zeroWall(r))).toBe(formatSweep(zeroWall(whole)));
    expect(sweepCsv(r)).toBe(sweepCsv(whole));
    expect(sweepJson(zeroWall({ ...r, runs: r.runs.map(zeroWall) }))).toBe(sweepJson(zeroWall({ ...whole, runs: whole.runs.map(zeroWall) })));
    expect(sweepHtml(r)).toBe(sweepHtml(whole));
    // A file that lost a run is not its shard's share.
    const cut = JSON.parse(JSON.stringify(files[0])) as SweepShardFile;
    cut.result.runs.pop();
    expect(refusal(() => mergeResults([cut, ...files.slice(1)])).message).toMatch(/results\[0\]: shard 1\/4 holds 1 run\(s\) that are not its share \(2 run\(s\), point:seed 0:1, 1:2…\)/);
  }, 120_000);
});

describe('merging --stop-at-first shards', () => {
  it('keeps the seeds up to the lowest failing seed of all shards, each of which stopped at its own first failure', () => {
    // Seeds 1..12 over 4 shards; seeds 7, 10 and 11 fail. Shard 3 (3, 7, 11) stops at 7, shard 2 (2, 6, 10) at 10.
    const failing = new Set([7, 10, 11]);
    const summary = (seed: number) => ({
      seed,
      ok: !failing.has(seed),
      violations: [],
      failedInvariants: failing.has(seed) ? { I1: 1 } : {},
      failedChecks: [],
      traceHash: '',
      marks: {},
      stopReason: 'done',
      replay: `seed ${seed}`,
      wallMs: 1,
    });
    const ran = [
      [1, 5, 9],
      [2, 6, 10],
      [3, 7],
      [4, 8, 12],
    ];
    const files = ran.map(
      (seeds, k) =>
        ({
          schema: 'faultline.shard',
          schemaVersion: 1,
          faultline: '0.1.0',
          kind: 'explore',
          shard: { index: k + 1, count: 4 },
          run: { source: 'x', scenario: { name: 'x', bugs: [], durationMs: 1, marks: [] }, options: { from: 1, to: 12, stopAtFirst: true, bugs: [], set: [] } },
          result: { seeds: seeds.map(summary), jobs: 1, wallMs: 1, interrupted: false },
        }) as unknown as ExploreShardFile,
    );
    const r = mergeResults(files).result as ExploreResult;
    expect(r.seeds.map((x) => x.seed)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.firstFailure?.seed).toBe(7);
    expect(r.failing).toBe(1);
    expect(r.stoppedEarly).toBe(true);
    expect(r.perInvariant.find((i) => i.id === 'I1')?.failingSeeds).toBe(1);
    // Without --stop-at-first a shard must hold its whole share: shard 3 stopped at its failure.
    for (const f of files) f.run.options.stopAtFirst = false;
    expect(refusal(() => mergeResults(files)).message).toMatch(/results\[2\]: shard 3\/4 holds seeds 3, 7; its share of 1\.\.12 is 3 seed\(s\) from 3 in steps of 4/);
  });
});

describe('mergeResults refuses files that are not one whole run, naming the file', () => {
  const fake = (index: number, count = 3, change: (f: ExploreShardFile) => void = () => undefined): ExploreShardFile => {
    const f = {
      schema: 'faultline.shard',
      schemaVersion: 1,
      faultline: '0.1.0',
      kind: 'explore',
      shard: { index, count },
      run: { source: 'x', scenario: { name: 'x' }, options: { from: 1, to: 9, stopAtFirst: false, bugs: [], set: [] } },
      // The shard's share of seeds 1..9, as a shard that ran them all holds it.
      result: { seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((seed) => (seed - 1) % count === index - 1).map((seed) => ({ seed, ok: true })), jobs: 1, wallMs: 0, interrupted: false },
    } as unknown as ExploreShardFile;
    change(f);
    return f;
  };

  it('a missing or duplicated shard', () => {
    expect(refusal(() => mergeResults([fake(1), fake(3)])).message).toMatch(/shard 2\/3 missing: merge needs all 3 shards' files \(got 2\)/);
    expect(refusal(() => mergeResults([fake(1), fake(2), fake(2), fake(3)])).message).toMatch(/results\[1\] and results\[2\] are both shard 2\/3/);
    expect(refusal(() => mergeResults([])).code).toBe('FAULTLINE_MERGE_INPUT');
  });

  it('another run: count, options, scenario, kind, version; an interrupted shard', () => {
    expect(refusal(() => mergeResults([fake(1), fake(2, 4)])).message).toMatch(/results\[1\] is shard 2\/4, results\[0\] shard 1\/3/);
    expect(refusal(() => mergeResults([fake(1), fake(2, 3, (f) => (f.run.options.set = ['iommu.prqEntries=64'])), fake(3)])).message).toMatch(
      /results\[1\] and results\[0\] are shards of different runs: they differ in option set/,
    );
    expect(refusal(() => mergeResults([fake(1), fake(2, 3, (f) => (f.run.scenario = { name: 'y' } as never)), fake(3)])).message).toMatch(/differ in the resolved scenario/);
    const sweepLike = fake(2, 3, (f) => Object.assign(f, { kind: 'sweep', result: { ...f.result, runs: [] } }));
    expect(refusal(() => mergeResults([fake(1), sweepLike])).message).toMatch(/results\[1\] is a shard of a sweep, results\[0\] of an explore/);
    expect(refusal(() => mergeResults([fake(1), fake(2, 3, (f) => (f.faultline = '9.9.9'))])).message).toMatch(/written by faultline 9\.9\.9/);
    expect(refusal(() => mergeResults([fake(1), fake(2, 3, (f) => (f.result.interrupted = true)), fake(3)])).message).toMatch(/results\[1\]: shard 2\/3 was interrupted/);
  });

  it('not a shard file: an unsharded result, another schema version, a missing or non-JSON file', () => {
    const e = refusal(() => mergeResults([{ schema: 'faultline.sweep' } as never]));
    expect(e.code).toBe('FAULTLINE_MERGE_INPUT');
    expect(e.message).toMatch(/results\[0\]: not a shard result file \(schema "faultline\.sweep"/);
    expect(refusal(() => mergeResults([fake(1, 1, (f) => ((f as unknown as { schemaVersion: number }).schemaVersion = 2))])).message).toMatch(/schemaVersion 2; this faultline .* reads version 1/);
    expect(refusal(() => mergeResults(['/nonexistent/shard-1.json'])).message).toMatch(/\/nonexistent\/shard-1\.json: cannot read it \(no such file\)/);
    expect(refusal(() => mergeResults([new URL(import.meta.url).pathname])).message).toMatch(/merge\.test\.ts: not JSON/);
  });
});
