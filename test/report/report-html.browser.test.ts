// report.html in a real browser (test/support/chromium.ts): opened offline, no console errors,
// no request other than the file itself, and every plot holds the number of points
// summary.json says it should (its metrics: the buckets, the series' points, the queues).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { runScenario, type RunMetrics } from '../../src/api/index.ts';
import { type DrawnPlot, launchChromium, openReport } from '../support/chromium.ts';

let dir = '';
let browser: BrowserContext | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-html-'));
  browser = await launchChromium(dir);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(out: string): Promise<{ drawn: DrawnPlot[]; errors: string[]; requests: string[]; verdict: string }> {
  const { page, drawn, errors, requests } = await openReport(browser!, out, 5);
  const canvases = await page.locator('canvas').count();
  expect(canvases).toBeGreaterThanOrEqual(5);
  const verdict = (await page.locator('h2').first().textContent()) ?? '';
  await page.close();
  return { drawn, errors, requests, verdict };
}

/** What each plot must hold, computed from summary.json alone. */
function expectedFrom(m: RunMetrics): Record<string, { points: number; series: number }> {
  const withData = [m.roundTrip, ...m.hops.map((h) => h.latency)].filter((l) => l.count > 0);
  const cdfXs = new Set(withData.flatMap((l) => l.buckets.map(([, high]) => high)));
  const drops = m.series.filter((s) => s.metric === 'drops').length;
  const responses = m.series.filter((s) => s.metric === 'responses').length;
  return {
    'round-trip': { points: m.roundTrip.buckets.length, series: 1 },
    'hop-cdf': { points: cdfXs.size, series: withData.length },
    occupancy: { points: m.points, series: m.queues.length },
    drops: { points: m.points, series: Math.max(1, drops) },
    throughput: { points: m.points, series: Math.max(1, responses) },
  };
}

describe('report.html in headless Chromium', () => {
  for (const [name, bugs] of [
    ['prq-overflow-mid-group', []],
    ['vprq-overflow', ['vprq-drop-leaks-cookie']],
  ] as const) {
    it(`${name}${bugs.length ? ` with ${bugs.join(', ')}` : ''}: no console errors, no network, every plot holds the points summary.json says`, async () => {
      const out = join(dir, name);
      await runScenario(name, { runtime: 'sim', seed: 1, bugs: [...bugs], out });
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      const m = summary.report.metrics as RunMetrics;
      const { drawn, errors, requests, verdict } = await open(out);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const want = expectedFrom(m);
      expect(Object.fromEntries(drawn.map((d) => [d.id, { points: d.points, series: d.series }]))).toEqual(want);
      for (const d of drawn) expect(d.points, d.id).toBeGreaterThan(0);
      expect(verdict).toBe(`Verdict: ${summary.report.ok ? 'PASS' : 'FAIL'}`);
      if (bugs.length) expect(summary.report.ok).toBe(false);
    }, 120_000);
  }
});
