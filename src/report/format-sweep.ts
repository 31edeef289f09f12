// A sweep's table as text (src/report/sweep-table.ts): one line per point, the swept values,
// then the headline figures with their 95 % intervals, and the verdict. `faultline sweep` and
// `faultline merge` of a sweep's shards print it.

import type { SweepResult } from './sweep-table.ts';

/** The table as text: one line per point, the swept values, then the headline figures. */
export function formatSweep(r: SweepResult): string {
  const fmt = (m: { mean: number; ci95: number | null } | undefined, digits: number): string =>
    m === undefined || !Number.isFinite(m.mean) ? '—' : `${m.mean.toFixed(digits)}${m.ci95 === null ? '' : ` ±${m.ci95.toFixed(digits)}`}`;
  const head = [...r.parameters.map((p) => p.path), 'ok', 'faults/s', 'p99 µs', 'drop rate'];
  const rows = r.points.map((p) => [
    ...r.parameters.map((q) => p.values[q.path] ?? ''),
    `${p.okRuns}/${p.runs}`,
    fmt(p.figures.throughputPerSec, 0),
    fmt(p.figures.latencyNsP99 && { ...p.figures.latencyNsP99, mean: p.figures.latencyNsP99.mean / 1000, ci95: p.figures.latencyNsP99.ci95 === null ? null : p.figures.latencyNsP99.ci95 / 1000 }, 2),
    fmt(p.figures.dropRate, 4),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const runs = r.runs.length;
  const failed = r.runs.filter((x) => !x.ok).length;
  return [
    `sweep ${r.scenario} (${r.runtime}, ${r.seeds} seed${r.seeds === 1 ? '' : 's'} per point${r.fixed.length > 0 ? `; ${r.fixed.join(', ')}` : ''}): ${r.points.length} points, ${runs} runs in ${(r.wallMs / 1000).toFixed(1)} s`,
    '',
    line(head),
    ...rows.map(line),
    '',
    ...(r.shard
      ? [
          `shard ${r.shard.index}/${r.shard.count}: ${runs} of the ${r.seeds * r.parameters.reduce((a, p) => a * p.values.length, 1)} runs; a point appears when this shard ran its every seed: \`faultline merge\` makes the whole table`,
        ]
      : []),
    `mean ±95 % interval across seeds (Student t); ${failed === 0 ? 'every run passed its checks' : `${failed} of ${runs} runs failed a check or an invariant, or could not finish`}${r.interrupted ? '; interrupted: the points whose every seed ran are shown' : ''}`,
  ].join('\n');
}
