// A sweep's report.html in headless Chromium (as report-html.browser.test.ts): no console
// errors, no network, and each of its three plots holds one point per value of the first
// swept key and one line per combination of the others, with the means the table has.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSweepOutputs, type SweepResult } from '../../src/api/index.ts';
import { sweepPlots } from '../../src/report/outputs/sweep-html.ts';
import { sweepPoints, type SweepRun } from '../../src/report/sweep-table.ts';
import { launchChromium, openReport } from '../support/chromium.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-sweep-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 × 2 points, 2 seeds, the last point never ran (an interrupted sweep). */
function result(): SweepResult {
  const parameters = [
    { path: 'workload.inFlight', values: ['8', '2', '32'] },
    { path: 'iommu.prqEntries', values: ['32', '64'] },
  ];
  const grid = parameters[0]!.values.flatMap((a) => parameters[1]!.values.map((b) => ({ 'workload.inFlight': a, 'iommu.prqEntries': b })));
  const runs: SweepRun[] = grid.slice(0, 5).flatMap((values, point) =>
    [1, 2].map((seed) => ({
      point,
      seed,
      ok: true,
      failedChecks: [],
      figures: { throughputPerSec: Number(values['workload.inFlight']) * 1000 + seed, latencyNsP99: 20_000 + seed, dropRate: Number(values['iommu.prqEntries']) / 100 },
      traceHash: 'x',
      wallMs: 1,
    })),
  );
  const { points, figureNames } = sweepPoints(grid, 2, runs);
  return {
    schema: 'faultline.sweep',
    schemaVersion: 1,
    faultline: '0.0.0',
    scenario: 'prq-overflow-mid-group',
    runtime: 'sim',
    seeds: 2,
    jobs: 1,
    fixed: [],
    parameters,
    figureNames,
    points,
    runs,
    interrupted: true,
    wallMs: 1,
  };
}

describe('a sweep report.html', () => {
  it('plots each figure against the first swept key, a line per value of the others, x ascending, gaps where no point ran', () => {
    const plots = sweepPlots(result());
    expect(plots.map((p) => p.id)).toEqual(['sweep-throughput', 'sweep-p99', 'sweep-drop-rate']);
    const [tput, p99] = plots;
    expect(tput!.series).toEqual(['iommu.prqEntries=32', 'iommu.prqEntries=64']);
    expect(tput!.data).toEqual([
      [2, 8, 32],
      [2001.5, 8001.5, 32001.5],
      [2001.5, 8001.5, null],
    ]);
    expect(p99!.data[1]).toEqual([20.0015, 20.0015, 20.0015]);
  });

  it('opens in headless Chromium without errors or network, holding the points sweep.json says', async () => {
    const r = result();
    writeSweepOutputs(r, dir);
    const browser = await launchChromium(dir);
    try {
      const { page, drawn, errors, requests } = await openReport(browser, dir, 3);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(drawn).toEqual(['sweep-throughput', 'sweep-p99', 'sweep-drop-rate'].map((id) => ({ id, points: r.parameters[0]!.values.length, series: r.parameters[1]!.values.length })));
      expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(3);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
