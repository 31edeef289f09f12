// Sweeps through the API: the grid and its order, value lists that keep YAML flow values whole,
// bad input refused before any run, a small simulator sweep giving the same runs on one worker
// and on two, and the CSV table's header and rows.
import { describe, expect, it } from 'vitest';
import { FaultlineError, sweepCsv, sweepGrid, sweepScenario, type SweepResult } from '../../src/api/index.ts';
import { splitValues } from '../../src/api/sweep.ts';

const refusal = async (p: Promise<unknown>): Promise<FaultlineError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FaultlineError);
  return err as FaultlineError;
};

describe('the grid of a sweep', () => {
  it('is the cross product of the lists, the first outermost; a single value is a plain override', () => {
    const g = sweepGrid(['workload.inFlight=2,8', 'iommu.overflowAutoResponse=invalid', 'iommu.prqEntries=32,64,128']);
    expect(g.parameters).toEqual([
      { path: 'workload.inFlight', values: ['2', '8'] },
      { path: 'iommu.prqEntries', values: ['32', '64', '128'] },
    ]);
    expect(g.fixed).toEqual(['iommu.overflowAutoResponse=invalid']);
    expect(g.points.map((p) => `${p['workload.inFlight']}/${p['iommu.prqEntries']}`)).toEqual(['2/32', '2/64', '2/128', '8/32', '8/64', '8/128']);
  });

  it('splits a list at its top-level commas only', () => {
    expect(splitValues('[1, 2],[3],"a,b", c')).toEqual(['[1, 2]', '[3]', '"a,b"', 'c']);
    expect(sweepGrid(['devices.0.pasids=[1,2],[3]']).points).toEqual([{ 'devices.0.pasids': '[1,2]' }, { 'devices.0.pasids': '[3]' }]);
  });

  it('refuses an empty or repeated value and a key swept twice', () => {
    expect(() => sweepGrid(['workload.inFlight=2,,8'])).toThrow(/options\.set workload\.inFlight=2,,8: an empty value/);
    expect(() => sweepGrid(['workload.inFlight=2,2'])).toThrow(/listed twice/);
    expect(() => sweepGrid(['workload.inFlight=2,4', 'workload.inFlight=8,16'])).toThrow(/already swept/);
    expect(() => sweepGrid(['workload.inFlight'])).toThrow(/no '='/);
  });
});

describe('sweepScenario refuses bad input before anything runs', () => {
  const never = (): void => {
    throw new Error('a run started');
  };

  it('names the list and the value a point fails the schema with', async () => {
    const err = await refusal(sweepScenario('prq-overflow-mid-group', { set: ['iommu.prqEntries=64,100'], durationMs: 1, onRun: never }));
    expect(err.code).toBe('FAULTLINE_SCENARIO_INVALID');
    expect(err.message).toMatch(/options\.set iommu\.prqEntries=64,100: value 100: scenario\.iommu\.prqEntries: 100 is not a power of two/);
    const unknown = await refusal(sweepScenario('prq-overflow-mid-group', { set: ['iommu.prqEntrie=64,128'], onRun: never }));
    expect(unknown.message).toMatch(/value 64: scenario\.iommu\.prqEntrie: unknown key \(did you mean 'prqEntries'\?\)/);
  });

  it('refuses too many runs with the count, and seeds outside 1..1000', async () => {
    const values = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    expect((await refusal(sweepScenario('prq-overflow-mid-group', { set: [`workload.inFlight=${values}`], seeds: 100, onRun: never }))).message).toMatch(
      /101 points × 100 seeds = 10100 runs: at most 10000/,
    );
    expect((await refusal(sweepScenario('prq-overflow-mid-group', { set: ['workload.inFlight=2,4'], seeds: 0, onRun: never }))).message).toMatch(
      /options\.seeds must be a whole number from 1 to 1000; got 0/,
    );
    expect((await refusal(sweepScenario('prq-overflow-mid-group', { set: ['workload.inFlight=2,4'], runtime: 'threads', jobs: 2, onRun: never }))).code).toBe('FAULTLINE_OPTION_IGNORED');
  });
});

describe('a small simulator sweep', () => {
  const o = { set: ['workload.inFlight=2,8', 'iommu.prqEntries=32,64'], seeds: 2, durationMs: 1 };
  const strip = (r: SweepResult) => r.runs.map(({ wallMs: _w, ...run }) => run);

  it('gives the same runs and table on one worker and on two, in grid and seed order', async () => {
    const seen: number[] = [];
    const one = await sweepScenario('prq-overflow-mid-group', { ...o, jobs: 1, onRun: (_r, p) => seen.push(p.runs) });
    const two = await sweepScenario('prq-overflow-mid-group', { ...o, jobs: 2 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(one.runs.map((r) => `${r.point}:${r.seed}`)).toEqual(['0:1', '0:2', '1:1', '1:2', '2:1', '2:2', '3:1', '3:2']);
    expect(strip(two)).toEqual(strip(one));
    expect(two.points).toEqual(one.points);
    expect(one.points).toHaveLength(4);
    expect(one.schema).toBe('faultline.sweep');
    expect(one.runs.every((r) => r.ok && r.error === undefined && r.traceHash !== '')).toBe(true);
    // Different seeds are different runs; more in flight raises more faults per second.
    expect(one.runs[0]!.traceHash).not.toBe(one.runs[1]!.traceHash);
    const tput = (i: number): number => one.points[i]!.figures.throughputPerSec!.mean;
    expect(tput(2)).toBeGreaterThan(tput(0));
    for (const p of one.points) {
      const f = p.figures.latencyNsP99!;
      expect(f.n).toBe(2);
      const xs = one.runs.filter((r) => r.point === p.index).map((r) => r.figures.latencyNsP99!);
      expect(f.mean).toBeCloseTo((xs[0]! + xs[1]!) / 2, 6);
      expect(f.ci95).toBeCloseTo((12.706204736 * Math.abs(xs[0]! - xs[1]!)) / 2, 6);
    }
  }, 60_000);
});

describe('an interrupted sweep', () => {
  it('stops handing out runs and keeps the points whose every seed ran', async () => {
    const controller = new AbortController();
    const r = await sweepScenario('prq-overflow-mid-group', {
      set: ['workload.inFlight=2,4,6,8'],
      seeds: 1,
      durationMs: 1,
      signal: controller.signal,
      onRun: () => controller.abort(),
    });
    expect(r.interrupted).toBe(true);
    expect(r.runs.length).toBeGreaterThanOrEqual(1);
    expect(r.runs.length).toBeLessThan(4);
    expect(r.points.map((p) => p.index)).toEqual(r.runs.map((run) => run.point));
  }, 60_000);
});

describe('the CSV table', () => {
  it('has one column per swept parameter, then mean and ci95 pairs; one row per point', () => {
    const csv = sweepCsv({
      parameters: [
        { path: 'workload.inFlight', values: ['2', '8'] },
        { path: 'devices.0.pasids', values: ['[1,2]', '[3]'] },
      ],
      figureNames: ['throughputPerSec', 'latencyNsP99'],
      points: [
        {
          index: 0,
          values: { 'workload.inFlight': '2', 'devices.0.pasids': '[1,2]' },
          runs: 2,
          okRuns: 2,
          errors: 0,
          figures: { throughputPerSec: { n: 2, mean: 100, ci95: 5.5 }, latencyNsP99: { n: 0, mean: Number.NaN, ci95: null } },
        },
        {
          index: 3,
          values: { 'workload.inFlight': '8', 'devices.0.pasids': '[3]' },
          runs: 1,
          okRuns: 0,
          errors: 0,
          figures: { throughputPerSec: { n: 1, mean: 250, ci95: null }, latencyNsP99: { n: 1, mean: 2000, ci95: null } },
        },
      ],
    });
    expect(csv.split('\n')).toEqual([
      'workload.inFlight,devices.0.pasids,runs,ok_runs,errors,throughputPerSec_mean,throughputPerSec_ci95,latencyNsP99_mean,latencyNsP99_ci95',
      '2,"[1,2]",2,2,0,100,5.5,,',
      '8,[3],1,0,0,250,,2000,',
      '',
    ]);
  });
});
