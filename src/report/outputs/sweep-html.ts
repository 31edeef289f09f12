// A sweep's report.html: throughput, p99 round-trip latency and drop rate (means across seeds)
// against the first swept parameter, one line per combination of the other parameters' values,
// on the same self-contained uPlot page as a run's report (report-html.ts). An x value that is
// not a number is plotted at its position in the list (the axis label names the values).

import type { SweepResult } from '../sweep-table.ts';
import { escapeHtml, plotPage, type PlotData } from './report-html.ts';

const figures = [
  { id: 'sweep-throughput', figure: 'throughputPerSec', title: 'Throughput (responses reaching the devices per second)', yLabel: 'faults/s', scale: 1 },
  { id: 'sweep-p99', figure: 'latencyNsP99', title: 'Round trip p99', yLabel: 'µs', scale: 1 / 1000 },
  { id: 'sweep-drop-rate', figure: 'dropRate', title: 'Drops per page request', yLabel: 'drops / page request', scale: 1 },
] as const;

export function sweepPlots(r: SweepResult): PlotData[] {
  const [first, ...others] = r.parameters;
  if (first === undefined) return [];
  const numeric = first.values.every((v) => Number.isFinite(Number(v)));
  const xs = first.values.map((v, i) => (numeric ? Number(v) : i));
  const xLabel = numeric ? first.path : `${first.path} (${first.values.map((v, i) => `${i}: ${v}`).join(', ')})`;
  // Every combination of the other parameters' values, in grid order.
  let lines: Record<string, string>[] = [{}];
  for (const p of others) lines = lines.flatMap((l) => p.values.map((v) => ({ ...l, [p.path]: v })));
  const label = (l: Record<string, string>): string =>
    Object.entries(l)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'mean across seeds';
  const at = (l: Record<string, string>, x: string) => r.points.find((p) => p.values[first.path] === x && Object.entries(l).every(([k, v]) => p.values[k] === v));
  // uPlot wants x ascending: sort the first parameter's values by their x.
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  return figures.map((f) => ({
    id: f.id,
    title: f.title,
    xLabel,
    yLabel: f.yLabel,
    kind: 'lines',
    data: [
      order.map(([x]) => x),
      ...lines.map((l) =>
        order.map(([, i]) => {
          const m = at(l, first.values[i]!)?.figures[f.figure]?.mean;
          return m === undefined || !Number.isFinite(m) ? null : m * f.scale;
        }),
      ),
    ],
    series: lines.map(label),
  }));
}

export function sweepHtml(r: SweepResult): string {
  const title = `faultline sweep ${r.scenario} (${r.runtime})`;
  const intro = `faultline ${escapeHtml(r.faultline)} · ${r.points.length} points × ${r.seeds} seed${r.seeds === 1 ? '' : 's'} · ${escapeHtml(r.parameters.map((p) => `${p.path} ∈ {${p.values.join(', ')}}`).join(' × '))}${r.fixed.length ? ` · ${escapeHtml(r.fixed.join(', '))}` : ''}${r.interrupted ? ' · interrupted: the points whose every seed ran' : ''}`;
  const failed = r.runs.filter((x) => !x.ok).length;
  const body = `<h2>Verdict: ${failed === 0 ? 'PASS' : 'FAIL'}</h2><p>${failed === 0 ? 'every run passed its checks and invariants' : `${failed} of ${r.runs.length} runs failed a check or an invariant, or could not finish`}; each plotted value is the mean across seeds (sweep.csv has the 95 % intervals).</p>`;
  return plotPage(title, intro, body, sweepPlots(r));
}
