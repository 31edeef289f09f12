// The shipped fault-storm experiment (scenarios/prq-knee.yaml, README "Run a fault-storm
// experiment"), reduced: a sweep of the open-loop Poisson rate through the API shows the knee —
// no PRQ drop at the lowest rate, drops at the highest, and the drop rate does not fall as the
// rate rises (monotone up to seed noise).
import { describe, expect, it } from 'vitest';
import { sweepScenario } from '../../src/api/index.ts';
import { runNested } from '../../src/runtime/nested-run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

describe('the PRQ knee', () => {
  it('drops nothing below the knee and more and more above it', async () => {
    const rates = [20_000, 45_000, 80_000];
    const r = await sweepScenario('prq-knee', { set: [`workload.arrival.ratePerSec=${rates.join(',')}`], seeds: 2, jobs: 1 });
    expect(r.points.map((p) => p.values['workload.arrival.ratePerSec'])).toEqual(rates.map(String));
    expect(r.points.every((p) => p.okRuns === 2)).toBe(true);
    const prqDrops = r.points.map((p) => (p.figures['drops.iommu.overflow']?.mean ?? 0) + (p.figures['drops.iommu.full']?.mean ?? 0));
    const dropRate = r.points.map((p) => p.figures.dropRate!.mean);
    expect(prqDrops[0]).toBe(0);
    expect(dropRate[0]).toBe(0);
    expect(prqDrops[2]).toBeGreaterThan(0);
    expect(dropRate[2]).toBeGreaterThan(0.1);
    for (let i = 1; i < rates.length; i++) expect(dropRate[i]!, `rate ${rates[i]}`).toBeGreaterThanOrEqual(dropRate[i - 1]!);
  }, 120_000);

  it('offers the load it says: 8 spaces × rate × 1 ms Poisson arrivals, within 4 standard deviations', async () => {
    const { scenario } = loadScenario('prq-knee');
    const r = await runNested(scenario, { runtime: 'sim', seed: 5 });
    const arrivals = (r.tiers.device as { arrivals: { generated: number } }).arrivals.generated;
    const expected = 8 * 40_000 * 1e-3;
    expect(Math.abs(arrivals - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(r.ok).toBe(true);
  });
});
