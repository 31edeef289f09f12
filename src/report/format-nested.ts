// The nested run summary a person reads: faults and their answers, DMA outcomes, drops and
// auto-responses by reason, throughput, latency and the verdict of every check.

import { fmtCount, fmtNs, table } from './format.ts';
import type { NestedReport } from './nested-report.ts';
import type { RunMetrics } from '../check/metrics-collector.ts';
import type { LatencySummary } from '../metrics/histogram.ts';

function nonzero(m: Record<string, number>): [string, number][] {
  return Object.entries(m)
    .filter(([, n]) => n !== 0)
    .sort((a, b) => b[1] - a[1]);
}

/** The per-hop table: from the metrics (every group) when they ran, else the tiers' sampled hop stamps. */
function hopLines(r: NestedReport): string[] {
  if (r.metrics !== null) return metricsLines(r.metrics);
  if (r.hops.length === 0) return [];
  const rows = [['segment', 'p50', 'p99', 'samples'], ...r.hops.map((h) => [h.segment, fmtNs(h.p50Ns), fmtNs(h.p99Ns), fmtCount(h.samples)])];
  return ['', 'per-hop latency (sampled)', table(rows)];
}

/** Latency of every group per hop and round trip (p50…p99.99, max, mean), then every queue with Little's law. */
function metricsLines(m: RunMetrics): string[] {
  const lat = (name: string, l: LatencySummary): string[] => [
    name,
    fmtCount(l.count),
    fmtNs(l.p50Ns),
    fmtNs(l.p90Ns),
    fmtNs(l.p99Ns),
    fmtNs(l.p999Ns),
    fmtNs(l.p9999Ns),
    fmtNs(l.maxNs),
    fmtNs(l.meanNs),
  ];
  const latency = [['hop', 'groups', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'mean'], lat('round trip', m.roundTrip), ...m.hops.map((h) => lat(h.hop, h.latency))];
  const pct = (x: number): string => `${(x * 100).toFixed(3)} %`;
  const queues = [
    ['queue', 'arrivals', 'drops', 'mean occupancy', 'max', 'mean sojourn', 'Little |L−λW|'],
    ...m.queues.map((q) => [
      q.queue,
      fmtCount(q.arrivals),
      fmtCount(Object.values(q.drops).reduce((a, b) => a + b, 0)),
      q.occupancyMeanItems.toFixed(2),
      fmtCount(q.occupancyMax),
      fmtNs(q.sojournMeanNs),
      q.little.ok ? pct(q.little.relativeError) : `FAIL ${pct(q.little.relativeError)}`,
    ]),
  ];
  return [
    '',
    'latency of every group (check events; ≤ 0.4 % bucket error)',
    table(latency),
    '',
    `queues (time-weighted over [0, ${fmtNs(m.endNs)}]; series every ${fmtNs(m.intervalNs)}, ${m.points} points)`,
    table(queues),
  ];
}

/** The online checker: one line per invariant, then each violation with its ghosts, causal chain and replay line. */
function checkerLines(r: NestedReport): string[] {
  const c = r.checker;
  if (c === null) return ['', 'invariants: checker off'];
  const waits = c.backPressureWaits ? `, ${fmtCount(c.backPressureWaits)} back-pressure waits` : '';
  const lines = ['', `invariants (online checker, ${fmtCount(c.events)} events${waits})`];
  for (const inv of c.invariants) {
    const verdict = inv.ok === null ? 'n/a ' : inv.ok ? 'ok  ' : 'FAIL';
    lines.push(`  ${verdict} ${inv.id} ${inv.name}${inv.note ? `: ${inv.note}` : ''}`);
  }
  for (const v of c.violations) {
    lines.push('', `violation ${v.invariant}: ${v.message}`);
    if (v.ghosts.length) lines.push(`  ghosts: ${v.ghosts.join(', ')}`);
    if (v.chain.length) lines.push('  causal chain (oldest first):');
    else if (c.chainsKept === false) {
      // The simulator keeps chains by running a violating run again (nested-run.ts), which a run stopped from outside does not.
      const why =
        r.stopReason === 'interrupted'
          ? ': a run stopped by an interrupt does not run again to keep it'
          : r.stopReason === 'wall-clock-cap'
            ? ': a run stopped by the wall-clock cap does not run again to keep it'
            : '';
      lines.push(`  causal chain: not kept${why}`);
    }
    for (const e of v.chain) lines.push(`    #${e.seq}${e.timeNs >= 0 ? ` ${fmtNs(e.timeNs)}` : ''} ${e.actor}: ${e.text}`);
    if (v.replay) lines.push(`  replay: ${v.replay}`);
  }
  if (c.violationsDropped > 0) lines.push(`  (${c.violationsDropped} further violation(s) not shown)`);
  return lines;
}

/** The invalidation path, when anything was invalidated. */
function invalidationLines(r: NestedReport): string[] {
  const v = r.invalidations;
  if (v.unmaps === 0 && v.atcIssued === 0 && v.iotlbIssued === 0) return [];
  return [
    '',
    'invalidations (guest unmaps → HWPT_INVALIDATE → IOTLB, then ATC)',
    table([
      ['unmaps (pages)', `${fmtCount(v.unmaps)}  (${fmtCount(v.pagesUnmapped)})`],
      ['guest PASID-IOTLB / devTLB invalidations', `${fmtCount(v.guestIotlb)} / ${fmtCount(v.guestDevtlb)}`],
      ['forwarded entries (HWPT_INVALIDATE calls)', `${fmtCount(v.forwardedEntries)}  (${fmtCount(v.hwptInvalidateCalls)})`],
      ['host IOTLB / ATC invalidations issued', `${fmtCount(v.iotlbIssued)} / ${fmtCount(v.atcIssued)}`],
      ['ATC invalidations completed / timed out', `${fmtCount(v.atcCompleted)} / ${fmtCount(v.timeouts)}`],
      ['ITag stalls', fmtCount(v.itagStalls)],
      ['waits issued / completed (with error)', `${fmtCount(v.waitsIssued)} / ${fmtCount(v.waitsCompleted)}  (${fmtCount(v.waitsWithError)})`],
      ['wait latency p50 / p99', `${fmtNs(v.waitNs.p50)} / ${fmtNs(v.waitNs.p99)}`],
    ]),
  ];
}

export function formatNestedReport(r: NestedReport): string {
  const scaled = r.runtime === 'threads' && (r.timeScale ?? 1) > 1;
  const where = r.runtime === 'sim' ? 'deterministic runtime' : `threads (${r.workers} workers${scaled ? `, time scale ${r.timeScale}: latencies in scenario time` : ''})`;
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
    table([['started', fmtCount(r.dma.started)], ['completed', `${fmtCount(r.dma.ok)}  (${fmtCount(r.dma.perSec)}/s)`], ...nonzero(r.dma.failed).map(([k, n]) => [`failed: ${k}`, fmtCount(n)])]),
    ...invalidationLines(r),
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
  if (r.stopReport) lines.push('', `run stopped: ${r.stopReason}`, r.stopReport);
  lines.push('', 'checks');
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  lines.push(...checkerLines(r));
  if (r.traceHash) lines.push('', `trace hash ${r.traceHash}`);
  lines.push('', nestedVerdict(r));
  if (!r.ok) lines.push(`replay: ${r.replay}`);
  return lines.join('\n');
}

/** Every violation found, kept in the report or not. */
export function violationCount(r: NestedReport): number {
  return (r.checker?.violations.length ?? 0) + (r.checker?.violationsDropped ?? 0);
}

/** The verdict line: OK, or FAIL with the failed checks and every violation counted. */
export function nestedVerdict(r: NestedReport): string {
  if (r.stopReason === 'interrupted') return `verdict: INTERRUPTED — stopped after ${r.elapsedMs.toFixed(3)} ms ${r.clock}; the checks above judge a partial run`;
  const checks = r.checks.filter((c) => !c.ok).length;
  const violations = violationCount(r);
  if (checks === 0 && violations === 0) return 'verdict: OK — every check passed and every invariant held';
  const parts = [...(violations > 0 ? [`${violations} violation(s)`] : []), ...(checks > 0 ? [`${checks} failed check(s)`] : [])];
  return `verdict: FAIL — ${parts.join(', ')}`;
}
