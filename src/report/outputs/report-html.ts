// report.html: one self-contained page (no network when opened) with the run's plots, drawn
// by uPlot (npm `uplot`), whose script and stylesheet are read from node_modules when the page
// is written and inlined. The data goes in as JSON in a script tag; each plot's expected
// number of points is in the data too, and the page publishes what it drew in
// `window.faultlinePlots` ({ id, points, series }) so a browser test can compare them.
//
// Plots: the round-trip latency histogram (one bar per non-empty bucket), the latency CDF of
// every hop (x: latency, log scale; the union of the hops' bucket edges), every queue's
// time-weighted occupancy over time, drops over time per queue and reason, responses per
// interval (throughput); then the verdict: end-of-run checks (Little's law among them) and
// the online invariants.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunMetrics } from '../../check/metrics-collector.ts';
import type { NestedReport } from '../nested-report.ts';

export interface PlotData {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** x values, then one array per series (null: no value there). */
  data: (number | null)[][];
  series: string[];
  kind: 'bars' | 'lines' | 'steps';
  xLog?: boolean;
}

const require = createRequire(import.meta.url);

function uplotAssets(): { js: string; css: string } {
  const dir = require.resolve('uplot/package.json').replace(/package\.json$/, 'dist/');
  return { js: readFileSync(`${dir}uPlot.iife.min.js`, 'utf8'), css: readFileSync(`${dir}uPlot.min.css`, 'utf8') };
}

/** The CDF points of every hop on one x axis: the union of the hops' bucket upper edges (µs). */
export function hopCdfPlot(m: RunMetrics): PlotData {
  const hops = [{ hop: 'round trip', latency: m.roundTrip }, ...m.hops.map((h) => ({ hop: h.hop, latency: h.latency }))].filter((h) => h.latency.count > 0);
  const xs = [...new Set(hops.flatMap((h) => h.latency.buckets.map(([, high]) => high)))].sort((a, b) => a - b);
  const ys = hops.map((h) => {
    let i = 0;
    let seen = 0;
    return xs.map((x) => {
      while (i < h.latency.buckets.length && h.latency.buckets[i]![1] <= x) seen += h.latency.buckets[i++]![2];
      return seen / h.latency.count;
    });
  });
  return {
    id: 'hop-cdf',
    title: 'Latency CDF per hop',
    xLabel: 'latency (µs)',
    yLabel: 'fraction ≤ x',
    kind: 'steps',
    xLog: true,
    data: [xs.map((x) => x / 1000), ...ys],
    series: hops.map((h) => h.hop),
  };
}

export function reportPlots(m: RunMetrics): PlotData[] {
  const times = Array.from({ length: m.points }, (_, i) => (i * m.intervalNs) / 1000);
  const rt = m.roundTrip.buckets;
  const drops = m.series.filter((s) => s.metric === 'drops');
  const responses = m.series.filter((s) => s.metric === 'responses');
  const zero = (): number[] => times.map(() => 0);
  return [
    {
      id: 'round-trip',
      title: 'Round trip (raise → response at the device): histogram',
      xLabel: 'latency (µs, bucket middle)',
      yLabel: 'groups',
      kind: 'bars',
      data: [rt.map(([lo, hi]) => (lo + hi) / 2000), rt.map(([, , c]) => c)],
      series: ['groups'],
    },
    hopCdfPlot(m),
    {
      id: 'occupancy',
      title: 'Queue occupancy over time (time-weighted mean per interval)',
      xLabel: 'scenario time (µs)',
      yLabel: 'items',
      kind: 'lines',
      data: [times, ...m.queues.map((q) => q.series.meanItems)],
      series: m.queues.map((q) => q.queue),
    },
    {
      id: 'drops',
      title: 'Drops over time',
      xLabel: 'scenario time (µs)',
      yLabel: 'items per interval',
      kind: 'lines',
      data: [times, ...(drops.length ? drops.map((s) => s.values) : [zero()])],
      series: drops.length ? drops.map((s) => `${s.labels.queue} ${s.labels.reason}`) : ['none'],
    },
    {
      id: 'throughput',
      title: 'Responses reaching the devices per interval',
      xLabel: 'scenario time (µs)',
      yLabel: 'responses per interval',
      kind: 'lines',
      data: [times, ...(responses.length ? responses.map((s) => s.values) : [zero()])],
      series: responses.length ? responses.map((s) => s.labels.code ?? '') : ['none'],
    },
  ];
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function verdictHtml(r: NestedReport): string {
  const row = (ok: boolean | null, name: string, detail: string): string =>
    `<tr class="${ok === null ? 'na' : ok ? 'ok' : 'fail'}"><td>${ok === null ? '—' : ok ? 'PASS' : 'FAIL'}</td><td>${esc(name)}</td><td>${esc(detail)}</td></tr>`;
  const checks = r.checks.map((c) => row(c.ok, c.name, c.detail));
  const inv = (r.checker?.invariants ?? []).map((i) => row(i.ok, `${i.id} ${i.name}`, i.note ?? `${i.violations} violation(s)`));
  return `<h2>Verdict: ${r.ok ? 'PASS' : 'FAIL'}</h2><table class="verdict"><tr><th></th><th>check</th><th>detail</th></tr>${[...checks, ...inv].join('')}</table>`;
}

function latencyTable(m: RunMetrics): string {
  const us = (ns: number): string => (Number.isFinite(ns) ? (ns / 1000).toFixed(2) : '—');
  const rows = [{ hop: 'round trip', l: m.roundTrip }, ...m.hops.map((h) => ({ hop: h.hop, l: h.latency }))].map(
    ({ hop, l }) =>
      `<tr><td>${esc(hop)}</td><td>${l.count}</td><td>${us(l.p50Ns)}</td><td>${us(l.p90Ns)}</td><td>${us(l.p99Ns)}</td><td>${us(l.p999Ns)}</td><td>${us(l.p9999Ns)}</td><td>${us(l.maxNs)}</td><td>${us(l.meanNs)}</td></tr>`,
  );
  return `<table><tr><th>hop</th><th>n</th><th>p50 µs</th><th>p90</th><th>p99</th><th>p99.9</th><th>p99.99</th><th>max</th><th>mean</th></tr>${rows.join('')}</table>`;
}

function queueTable(m: RunMetrics): string {
  const rows = m.queues.map(
    (q) =>
      `<tr><td>${esc(q.queue)}</td><td>${q.arrivals}</td><td>${q.departures}</td><td>${esc(
        Object.entries(q.drops)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '0',
      )}</td><td>${q.occupancyMeanItems.toFixed(3)}</td><td>${q.occupancyMax}</td><td>${(q.sojournMeanNs / 1000).toFixed(2)}</td><td>${(q.little.relativeError * 100).toFixed(4)} %${q.little.ok ? '' : ' FAIL'}</td></tr>`,
  );
  return `<table><tr><th>queue</th><th>arrivals</th><th>departures</th><th>drops / retired</th><th>mean occupancy</th><th>max</th><th>mean sojourn µs</th><th>Little |L−λW|/L</th></tr>${rows.join('')}</table>`;
}

// The page's own script: draws every plot with uPlot and publishes what it drew.
const pageScript = `
(function () {
  var data = JSON.parse(document.getElementById('faultline-data').textContent);
  var palette = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#637939','#8c6d31','#843c39'];
  window.faultlinePlots = [];
  data.plots.forEach(function (p) {
    var el = document.createElement('section');
    el.innerHTML = '<h3></h3>';
    el.firstChild.textContent = p.title;
    document.getElementById('plots').appendChild(el);
    var paths = p.kind === 'bars' ? uPlot.paths.bars({ size: [0.9, 40] }) : p.kind === 'steps' ? uPlot.paths.stepped({ align: 1 }) : undefined;
    var series = [{ label: p.xLabel }].concat(p.series.map(function (name, i) {
      var s = { label: name, stroke: palette[i % palette.length], width: 1.5 };
      if (paths) s.paths = paths;
      if (p.kind === 'bars') s.fill = palette[i % palette.length] + '88';
      return s;
    }));
    var opts = {
      width: Math.min(1100, window.innerWidth - 40), height: 320, series: series,
      scales: { x: p.xLog ? { time: false, distr: 3 } : { time: false } },
      axes: [{ label: p.xLabel }, { label: p.yLabel }],
    };
    var u = new uPlot(opts, p.data, el);
    window.faultlinePlots.push({ id: p.id, points: u.data[0].length, series: u.series.length - 1 });
  });
})();
`;

export function reportHtml(r: NestedReport, meta: { faultline: string; scenario: string; seed: number }): string {
  const m = r.metrics;
  const title = `faultline ${meta.scenario} seed ${meta.seed} (${r.runtime})`;
  const intro = `faultline ${esc(meta.faultline)} · ${r.clock === 'virtual' ? 'virtual' : 'wall'} time ${r.elapsedMs.toFixed(3)} ms · stop: ${esc(r.stopReason)}${m ? ` · series interval ${(m.intervalNs / 1000).toFixed(1)} µs, ${m.points} points` : ' · metrics were off'}`;
  return plotPage(title, intro, `${verdictHtml(r)}\n${m ? `<h2>Latency</h2>${latencyTable(m)}<h2>Queues</h2>${queueTable(m)}` : ''}`, m ? reportPlots(m) : []);
}

/** A self-contained page: a title, an intro line, `body` (HTML), then the plots drawn by the inlined uPlot. */
export function plotPage(title: string, intro: string, body: string, plots: readonly PlotData[]): string {
  const { js, css } = uplotAssets();
  const data = { plots, expected: plots.map((p) => ({ id: p.id, points: p.data[0]!.length, series: p.series.length })) };
  // </script> inside the JSON would end the tag early: escape '<'.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<style>${css}</style>
<style>
body { font: 14px system-ui, sans-serif; margin: 20px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
td:first-child, th:first-child, .verdict td:nth-child(2), .verdict td:nth-child(3) { text-align: left; }
tr.ok td:first-child { color: #080; } tr.fail td:first-child { color: #b00; font-weight: bold; } tr.na td:first-child { color: #888; }
section { margin: 12px 0 24px; }
</style></head>
<body>
<h1>${esc(title)}</h1>
<p>${intro}</p>
${body}
<h2>Plots</h2><div id="plots"></div>
<script id="faultline-data" type="application/json">${json}</script>
<script>${js}</script>
<script>${pageScript}</script>
</body></html>
`;
}

export { esc as escapeHtml };
