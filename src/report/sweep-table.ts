// A sweep's table: per grid point, across its seeds, the mean and 95 % interval of every run
// figure (src/report/run-figures.ts, src/metrics/confidence.ts), as CSV (one row per point,
// one column per swept parameter, then figure_mean, figure_ci95 pairs) and as JSON (the
// points, the swept parameters, every run's summary, schema version, faultline's version).

import { meanInterval, type MeanInterval } from '../metrics/confidence.ts';
import { dropPrefix, type RunFigures } from './run-figures.ts';

export interface SweepParameter {
  /** The scenario path (`workload.inFlight`). */
  path: string;
  /** Its values as written, in the order given. */
  values: string[];
}

export interface SweepRun {
  point: number;
  seed: number;
  /** No invariant violated and no end-of-run check failed (required coverage marks aside: a point may not reach them). */
  ok: boolean;
  /** End-of-run checks that failed, coverage marks aside. */
  failedChecks: string[];
  figures: RunFigures;
  traceHash: string;
  error?: string;
  wallMs: number;
}

export interface SweepPoint {
  index: number;
  /** The swept parameters' values at this point (path → value as written). */
  values: Record<string, string>;
  /** Runs that finished (an error counts, with no figures). */
  runs: number;
  okRuns: number;
  errors: number;
  figures: Record<string, MeanInterval>;
}

export interface SweepResult {
  schema: 'faultline.sweep';
  schemaVersion: 1;
  faultline: string;
  scenario: string;
  runtime: 'sim' | 'threads';
  seeds: number;
  jobs: number;
  /** Overrides every point shares (a --set with one value, --duration-ms, --bug). */
  fixed: string[];
  parameters: SweepParameter[];
  /** The figures' names, in column order. */
  figureNames: string[];
  /** Points every seed of which ran, in grid order. */
  points: SweepPoint[];
  runs: SweepRun[];
  interrupted: boolean;
  wallMs: number;
  /** Set when this is one shard's part of the sweep (`--shard index/count`): its runs only, for `faultline merge`. */
  shard?: { index: number; count: number };
}

/** Figure names in a stable order: the report's own first, then drops by reason, then queues, each sorted. */
function figureOrder(runs: readonly SweepRun[]): string[] {
  const seen: string[] = [];
  const set = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r.figures)) {
      if (!set.has(k)) {
        set.add(k);
        seen.push(k);
      }
    }
  }
  const group = (k: string): number => (k.startsWith(dropPrefix) ? 1 : k.startsWith('queue.') ? 2 : 0);
  return seen
    .map((k, i) => [k, i] as const)
    .sort((a, b) => group(a[0]) - group(b[0]) || (group(a[0]) === 0 ? a[1] - b[1] : a[0].localeCompare(b[0])))
    .map(([k]) => k);
}

/** The points of a grid whose every seed ran, with each figure's mean and interval across seeds. */
export function sweepPoints(grid: readonly Record<string, string>[], seeds: number, runs: readonly SweepRun[]): { points: SweepPoint[]; figureNames: string[] } {
  const figureNames = figureOrder(runs);
  const byPoint = new Map<number, SweepRun[]>();
  for (const r of runs) byPoint.set(r.point, [...(byPoint.get(r.point) ?? []), r]);
  const points: SweepPoint[] = [];
  grid.forEach((values, index) => {
    const rs = byPoint.get(index) ?? [];
    if (rs.length < seeds) return;
    const finished = rs.filter((r) => r.error === undefined);
    const figures: Record<string, MeanInterval> = {};
    for (const name of figureNames) {
      figures[name] = meanInterval(finished.map((r) => r.figures[name] ?? (name.startsWith(dropPrefix) ? 0 : Number.NaN)));
    }
    points.push({ index, values, runs: rs.length, okRuns: rs.filter((r) => r.ok).length, errors: rs.length - finished.length, figures });
  });
  return { points, figureNames };
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const csvNumber = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : String(v));

/** One row per point: the swept parameters, runs, ok runs, errors, then figure_mean, figure_ci95 pairs (empty: no value or no interval). */
export function sweepCsv(r: Pick<SweepResult, 'parameters' | 'figureNames' | 'points'>): string {
  const header = [...r.parameters.map((p) => p.path), 'runs', 'ok_runs', 'errors', ...r.figureNames.flatMap((f) => [`${f}_mean`, `${f}_ci95`])];
  const rows = r.points.map((p) => [
    ...r.parameters.map((q) => csvCell(p.values[q.path] ?? '')),
    String(p.runs),
    String(p.okRuns),
    String(p.errors),
    ...r.figureNames.flatMap((f) => [csvNumber(p.figures[f]?.mean ?? null), csvNumber(p.figures[f]?.ci95 ?? null)]),
  ]);
  return `${[header.map(csvCell), ...rows].map((row) => row.join(',')).join('\n')}\n`;
}

/** The sweep as JSON (NaN, which JSON lacks, becomes null). */
export function sweepJson(r: SweepResult): string {
  return `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
