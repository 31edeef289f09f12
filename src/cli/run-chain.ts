// `faultline run chain`: the example five-stage chain on either runtime, with a summary.

import { writeFileSync } from 'node:fs';
import { chainTopology } from '../../actors/chain/chain-topology.ts';
import { runSim } from '../runtime/sim/sim-runtime.ts';
import { runThreaded } from '../runtime/threads/threaded-runtime.ts';
import { createHistogram, merge, quantile, type Histogram } from '../metrics/histogram.ts';
import { fmtCount, fmtNs, table } from '../report/format.ts';
import { fail } from '../util/errors.ts';

export interface ChainRunOptions {
  runtime: 'threads' | 'sim';
  seed: number;
  requests: number;
  durationMs: number;
  window: number;
  workers: 'each' | number;
  json?: string;
}

export interface ChainRunReport {
  scenario: 'chain';
  runtime: 'threads' | 'sim';
  seed: number;
  roundTrips: number;
  pending: number;
  elapsedMs: number;
  roundTripsPerSec: number;
  rttNs: { p50: number; p99: number; max: number };
  workers?: number;
  spinIters?: number;
  traceHash?: string;
  channels: { name: string; sent: number }[];
  ok: boolean;
}

export async function runChain(o: ChainRunOptions): Promise<ChainRunReport> {
  if (o.window < 1) fail('FAULTLINE_CLI_OPTION', `--window must be at least 1, got ${o.window}`);
  if (o.requests < 0) fail('FAULTLINE_CLI_OPTION', `--requests must be >= 0, got ${o.requests}`);
  const durationNs = o.requests === 0 ? o.durationMs * 1e6 : Infinity;
  const topo = chainTopology({ requests: o.requests, durationNs, window: o.window, workers: o.workers });
  let report: ChainRunReport;
  if (o.runtime === 'sim') {
    const r = runSim(topo, { seed: o.seed });
    report = summarise(o, r.actors, r.virtualNs / 1e6, r.channels);
    report.traceHash = r.traceHash;
  } else {
    const r = await runThreaded(topo, { seed: o.seed, timeLimitMs: o.durationMs * 3 + 30_000 });
    report = summarise(o, r.actors, r.wallMs, r.channels);
    report.workers = r.workers;
    report.spinIters = r.spinIters;
  }
  if (o.json) writeFileSync(o.json, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function summarise(
  o: ChainRunOptions,
  actors: { name: string; pending: number; stats: Record<string, unknown> }[],
  elapsedMs: number,
  channels: { name: string; sent: number }[],
): ChainRunReport {
  const source = actors[0]!.stats as { completed: number; latencyNs: Histogram };
  const h = createHistogram();
  merge(h, source.latencyNs);
  const pending = actors.reduce((n, a) => n + a.pending, 0);
  return {
    scenario: 'chain', runtime: o.runtime, seed: o.seed,
    roundTrips: source.completed, pending, elapsedMs,
    roundTripsPerSec: source.completed / (elapsedMs / 1000),
    rttNs: { p50: quantile(h, 0.5), p99: quantile(h, 0.99), max: h.max },
    channels: channels.map((c) => ({ name: c.name, sent: c.sent })),
    ok: pending === 0 && (o.requests === 0 || source.completed === o.requests),
  };
}

export function formatChainReport(r: ChainRunReport): string {
  const clock = r.runtime === 'sim' ? 'virtual' : 'wall';
  const lines = [
    `faultline · example chain device → iommu → host → vmm → guest and back · ${r.runtime === 'sim' ? 'deterministic runtime' : `threads (${r.workers} workers, spin ${r.spinIters})`} · seed ${r.seed}`,
    '',
    table([
      ['round trips', fmtCount(r.roundTrips)],
      [`elapsed (${clock})`, fmtNs(r.elapsedMs * 1e6)],
      ['round trips/s', fmtCount(r.roundTripsPerSec)],
      ['round trip p50 / p99 / max', `${fmtNs(r.rttNs.p50)} / ${fmtNs(r.rttNs.p99)} / ${fmtNs(r.rttNs.max)}`],
      ['still pending at the end', String(r.pending)],
    ]),
    '',
    'messages per channel:',
    table(r.channels.map((c) => [c.name, fmtCount(c.sent)])),
  ];
  if (r.traceHash) lines.push('', `trace hash ${r.traceHash}`);
  lines.push('', r.ok ? 'verdict: OK — every request was answered' : 'verdict: FAILED — requests left unanswered');
  return lines.join('\n');
}
