// metrics.csv: the run's metrics in long form, one value a row — time_ns, metric, labels,
// value — ready for pandas or a notebook. Series rows carry the start of their interval;
// whole-run figures (latency percentiles, queue totals, Little's law) carry the window's end.
// Labels are `key=value` pairs joined by ';', quoted as CSV needs.

import type { RunMetrics } from '../../check/metrics-collector.ts';
import type { LatencySummary } from '../../metrics/histogram.ts';

const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const labelText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
const num = (v: number): string => (Number.isFinite(v) ? String(v) : '');

export function metricsCsv(m: RunMetrics): string {
  const rows: string[] = ['time_ns,metric,labels,value'];
  const row = (t: number, metric: string, labels: Record<string, string>, v: number): void => {
    rows.push(`${t},${metric},${quote(labelText(labels))},${num(v)}`);
  };
  const series = (metric: string, labels: Record<string, string>, values: number[]): void => {
    values.forEach((v, i) => row(i * m.intervalNs, metric, labels, v));
  };
  for (const q of m.queues) {
    series('queue.occupancy.mean', q.labels, q.series.meanItems);
    series('queue.occupancy.max', q.labels, q.series.maxItems);
    series('queue.arrivals', q.labels, q.series.arrivals);
    series('queue.departures', q.labels, q.series.departures);
  }
  for (const s of m.series) series(s.metric, s.labels, s.values);
  const end = m.endNs;
  const latency = (labels: Record<string, string>, l: LatencySummary): void => {
    row(end, 'latency.count', labels, l.count);
    for (const [k, v] of [
      ['mean', l.meanNs],
      ['p50', l.p50Ns],
      ['p90', l.p90Ns],
      ['p99', l.p99Ns],
      ['p99.9', l.p999Ns],
      ['p99.99', l.p9999Ns],
      ['max', l.maxNs],
    ] as const) {
      row(end, `latency.${k}_ns`, labels, v);
    }
  };
  latency({ hop: 'roundTrip' }, m.roundTrip);
  for (const h of m.hops) latency({ hop: h.hop }, h.latency);
  for (const q of m.queues) {
    row(end, 'queue.arrivals.total', q.labels, q.arrivals);
    row(end, 'queue.departures.total', q.labels, q.departures);
    for (const [reason, n] of Object.entries(q.drops)) row(end, 'queue.drops.total', { ...q.labels, reason }, n);
    row(end, 'queue.occupancy.timeMean', q.labels, q.occupancyMeanItems);
    row(end, 'queue.occupancy.peak', q.labels, q.occupancyMax);
    row(end, 'queue.sojourn.mean_ns', q.labels, q.sojournMeanNs);
    row(end, 'queue.little.relativeError', q.labels, q.little.relativeError);
  }
  return `${rows.join('\n')}\n`;
}
