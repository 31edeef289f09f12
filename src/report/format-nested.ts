// The nested run summary a person reads: faults and their answers, DMA outcomes, drops and
// auto-responses by reason, throughput, latency and the verdict of every check.

import { fmtCount, fmtNs, table } from './format.ts';
import type { NestedReport } from './nested-report.ts';

function nonzero(m: Record<string, number>): [string, number][] {
  return Object.entries(m).filter(([, n]) => n !== 0).sort((a, b) => b[1] - a[1]);
}

/** The per-hop table: one row per segment of the sampled groups, after the round-trip line. */
function hopLines(r: NestedReport): string[] {
  if (r.hops.length === 0) return [];
  const rows = [['segment', 'p50', 'p99', 'samples'], ...r.hops.map((h) => [h.segment, fmtNs(h.p50Ns), fmtNs(h.p99Ns), fmtCount(h.samples)])];
  return ['', 'per-hop latency (sampled)', table(rows)];
}

export function formatNestedReport(r: NestedReport): string {
  const where = r.runtime === 'sim' ? 'deterministic runtime' : `threads (${r.workers} workers)`;
  const a = r.faults.answered;
  const lines = [
    `faultline · ${r.scenario} · ${where} · seed ${r.seed} · ${fmtNs(r.elapsedMs * 1e6)} ${r.clock} · ${r.stopReason}`,
    '',
    'faults (page request groups)',
    table([
      ['raised', `${fmtCount(r.faults.raised)}  (${fmtCount(r.faults.pageRequests)} page requests)`],
      ['answered success / invalid / failure', `${fmtCount(a.success ?? 0)} / ${fmtCount(a.invalid ?? 0)} / ${fmtCount((a.failure ?? 0) + (a.reserved ?? 0))}`],
      ['translations retried after Success', `${fmtCount(r.faults.retries)}  (${fmtCount(r.faults.refaults)} faulted again)`],
      ['answered per second', fmtCount(r.faults.perSec)],
      ['round trip p50 / p99 / max', `${fmtNs(r.faults.roundTripNs.p50)} / ${fmtNs(r.faults.roundTripNs.p99)} / ${fmtNs(r.faults.roundTripNs.max)}`],
    ]),
    ...hopLines(r),
    '',
    'DMA accesses',
    table([
      ['started', fmtCount(r.dma.started)],
      ['completed', `${fmtCount(r.dma.ok)}  (${fmtCount(r.dma.perSec)}/s)`],
      ...nonzero(r.dma.failed).map(([k, n]) => [`failed: ${k}`, fmtCount(n)]),
    ]),
    '',
    'drops by reason',
    nonzero(r.drops).length ? table(nonzero(r.drops).map(([k, n]) => [k, fmtCount(n)])) : '  none',
    '',
    'auto-responses by reason',
    nonzero(r.autoResponses).length ? table(nonzero(r.autoResponses).map(([k, n]) => [k, fmtCount(n)])) : '  none',
  ];
  const refused = r.channels.filter((c) => c.refused > 0);
  if (refused.length) lines.push('', 'back-pressure (sends refused by a full channel, retried in order)', table(refused.map((c) => [c.name, fmtCount(c.refused)])));
  const marks = Object.entries(r.marks);
  if (marks.length) lines.push('', 'coverage marks', table(marks.map(([k, n]) => [k, fmtCount(n)])));
  lines.push('', 'checks');
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (r.traceHash) lines.push('', `trace hash ${r.traceHash}`);
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push('', failed === 0 ? 'verdict: OK — every check passed' : `verdict: FAILED — ${failed} check(s) failed`);
  return lines.join('\n');
}
