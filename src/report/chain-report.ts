// The example chain's report (src/runtime/chain-run.ts) and its text form.

import { fmtCount, fmtNs, table } from './format.ts';

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
