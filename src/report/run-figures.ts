// The figures of one run a sweep compares across its points, flat and numeric, taken from the
// report: throughput, the round trip's percentiles (the metrics' histogram), drops (total, per
// page request and by reason), and every queue's time-weighted mean and peak occupancy.

import type { NestedReport } from './nested-report.ts';

export type RunFigures = Record<string, number>;

/** Figures a run without drops of a reason leaves out; they count as 0 across runs. */
export const dropPrefix = 'drops.';

export function runFigures(r: NestedReport): RunFigures {
  const f: RunFigures = {};
  f.throughputPerSec = r.faults.perSec;
  const rt = r.metrics?.roundTrip;
  f.latencyNsP50 = rt?.p50Ns ?? Number.NaN;
  f.latencyNsP99 = rt?.p99Ns ?? Number.NaN;
  f.latencyNsP999 = rt?.p999Ns ?? Number.NaN;
  const drops = Object.entries(r.drops).filter(([, n]) => n > 0);
  const dropsTotal = drops.reduce((a, [, n]) => a + n, 0);
  f.dropsTotal = dropsTotal;
  f.dropRate = r.faults.pageRequests > 0 ? dropsTotal / r.faults.pageRequests : 0;
  for (const [reason, n] of drops) f[`${dropPrefix}${reason}`] = n;
  for (const q of r.metrics?.queues ?? []) {
    // 'priCredits 0x0100' → 'priCredits.0x0100': names without spaces, for CSV headers and pandas.
    const name = q.queue.replaceAll(' ', '.');
    f[`queue.${name}.occupancyMeanItems`] = q.occupancyMeanItems;
    f[`queue.${name}.occupancyMax`] = q.occupancyMax;
  }
  f.violations = r.checker?.violations.length ?? 0;
  return f;
}
