// The example five-stage chain (actors/chain) on either runtime, summed up as a ChainRunReport:
// the transport's ceiling, with no IOPF logic in the way.

import { chainTopology } from '../../actors/chain/chain-topology.ts';
import { runSim } from './sim/sim-runtime.ts';
import { runThreaded } from './threads/threaded-runtime.ts';
import { createHistogram, merge, quantile, type Histogram } from '../metrics/histogram.ts';
import type { ChainRunReport } from '../report/chain-report.ts';
import { fail } from '../util/errors.ts';

export interface ChainRunOptions {
  runtime: 'threads' | 'sim';
  seed: number;
  requests: number;
  durationMs: number;
  window: number;
  workers: 'each' | number;
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
  return report;
}

function summarise(o: ChainRunOptions, actors: { name: string; pending: number; stats: Record<string, unknown> }[], elapsedMs: number, channels: { name: string; sent: number }[]): ChainRunReport {
  const source = actors[0]!.stats as { completed: number; latencyNs: Histogram };
  const h = createHistogram();
  merge(h, source.latencyNs);
  const pending = actors.reduce((n, a) => n + a.pending, 0);
  return {
    scenario: 'chain',
    runtime: o.runtime,
    seed: o.seed,
    roundTrips: source.completed,
    pending,
    elapsedMs,
    roundTripsPerSec: source.completed / (elapsedMs / 1000),
    rttNs: { p50: quantile(h, 0.5), p99: quantile(h, 0.99), max: h.max },
    channels: channels.map((c) => ({ name: c.name, sent: c.sent })),
    ok: pending === 0 && (o.requests === 0 || source.completed === o.requests),
  };
}
