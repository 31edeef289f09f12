// Opening a report.html in a real browser for the tests: the system's headless Chromium (Debian
// package `chromium`, installed by .ci/run when missing) driven by playwright-core, which
// downloads nothing; the page opened from a file:// URL with the network cut off, its console
// errors and attempted requests collected, and the plots it says it drew (window.faultlinePlots).
// Without Chromium the test fails and says how to install it: never skipped.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';

/** Headless Chromium with a fresh profile folder under `dir` (playwright passes it as --user-data-dir). */
export async function launchChromium(dir: string): Promise<BrowserContext> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get update && apt-get install -y chromium (.ci/run does it)`);
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface DrawnPlot {
  id: string;
  points: number;
  series: number;
}

export interface OpenedReport {
  page: Page;
  drawn: DrawnPlot[];
  errors: string[];
  requests: string[];
}

/** Open `dir/report.html` offline and wait until it has drawn `plots` plots; the caller closes the page. */
export async function openReport(browser: BrowserContext, dir: string, plots: number): Promise<OpenedReport> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const file = pathToFileURL(join(dir, 'report.html')).href;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== file) requests.push(r.url());
  });
  await page.route(
    (url) => url.href !== file,
    (route) => route.abort(),
  );
  await page.goto(file);
  await page.waitForFunction((n) => ((globalThis as unknown as { faultlinePlots?: unknown[] }).faultlinePlots?.length ?? 0) === n, plots, { timeout: 30_000 });
  const drawn = await page.evaluate(() => (globalThis as unknown as { faultlinePlots: DrawnPlot[] }).faultlinePlots);
  return { page, drawn, errors, requests };
}
