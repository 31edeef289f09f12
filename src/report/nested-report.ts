// The report of a nested IOPF run, built from the tiers' published counters: what a person
// reads in the summary and what --json writes, field for field.

import { endChecks, type CheckResult, type TierStats } from '../check/end-checks.ts';
import { requiredMarkChecks } from '../check/marks.ts';
import type { CheckerResult, InvariantVerdict, Violation } from '../check/types.ts';
import { quantile, type Histogram } from '../metrics/histogram.ts';
import { littleLawCheck, type RunMetrics } from '../check/metrics-collector.ts';
import { collectHopPoints, hopLatencies, type HopLatency } from './hops.ts';

export interface WorkerPlacement {
  actor: string;
  worker: number;
}

export interface NestedReport {
  scenario: string;
  runtime: 'threads' | 'sim';
  seed: number;
  workers: number | null;
  /** Threads: the worker (0-based) each tier ran on. */
  placement?: WorkerPlacement[];
  /** Threads: scenario time ran this many times slower than the wall clock (latencies are in scenario time). */
  timeScale?: number;
  stopReason: string;
  /** Simulator: why its guard rails stopped the run (livelock, wall-clock cap), channel depths and pending work. */
  stopReport?: string;
  elapsedMs: number;
  clock: 'wall' | 'virtual';
  faults: {
    raised: number;
    pageRequests: number;
    answered: Record<string, number>;
    retries: number;
    refaults: number;
    perSec: number;
    /** From the device's histogram of every answered access (sampled or not, it is the device's own view). */
    roundTripNs: { p50: number; p99: number; max: number };
  };
  /**
   * The run's metrics from the check events (src/check/metrics-collector.ts): round trip and per-hop
   * latency histograms (p50…p99.99, buckets kept), every queue's occupancy, counts, drops, sojourn
   * and Little's law, series per interval. null when the checker or the metrics were off.
   */
  metrics: RunMetrics | null;
  /** Per-hop latency of the round trip over sampled groups (src/report/hops.ts), in path order, then the total. */
  hops: HopLatency[];
  dma: { started: number; ok: number; failed: Record<string, number>; perSec: number };
  /** The invalidation path (guest unmaps → HWPT_INVALIDATE → IOTLB + ATC → waits), from the tiers' counters. */
  invalidations: {
    unmaps: number;
    pagesUnmapped: number;
    /** Guest PASID-IOTLB / device-TLB invalidations sent on the virtual invalidation queue. */
    guestIotlb: number;
    guestDevtlb: number;
    /** VTD_S1 entries forwarded by the VMM, in HWPT_INVALIDATE calls. */
    forwardedEntries: number;
    hwptInvalidateCalls: number;
    /** Host commands: IOTLB and ATC (device-TLB) invalidations issued; ATC invalidations completed by the device. */
    iotlbIssued: number;
    atcIssued: number;
    atcCompleted: number;
    itagStalls: number;
    /** ATC invalidations the IOMMU timed out (ITE), and HWPT_INVALIDATE calls that returned -ETIMEDOUT. */
    timeouts: number;
    hostTimeouts: number;
    waitsIssued: number;
    waitsCompleted: number;
    waitsWithError: number;
    waitNs: { p50: number; p99: number; max: number };
  };
  drops: Record<string, number>;
  autoResponses: Record<string, number>;
  hostIopf: { noHandlerAnswered: number; malformed: number; stopMarkers: number; partialsDiscarded: number };
  channels: { name: string; sent: number; refused: number }[];
  marks: Record<string, number>;
  checks: CheckResult[];
  /** The online checker's verdict (src/check/): events seen, violations, one line per invariant. */
  checker: { events: number; violations: Violation[]; violationsDropped: number; invariants: InvariantVerdict[]; backPressureWaits?: number; chainsKept?: false } | null;
  /** The command that replays this run deterministically. */
  replay: string;
  ok: boolean;
  tiers: TierStats;
  traceHash?: string;
  /** Simulator: deliveries the run made (the step count a pct or delay-bounded estimate is taken from). */
  steps?: number;
  /** Simulator with --record-schedule: the run's recorded choices as one base64url line (src/runtime/sim/choices.ts). */
  schedule?: string;
  /** A replayed schedule that stopped fitting the run and was continued (onDiverge): where (src/runtime/sim/strategy.ts). */
  divergence?: { step: number; recorded: number | null; enabled: number };
}

export interface RunOutcome {
  actors: { name: string; pending: number; stats: Record<string, unknown> }[];
  channels: { name: string; sent: number; refused: number }[];
  marks: Record<string, number>;
  stopReason: string;
  stopReport?: string;
  elapsedMs: number;
  checker?: CheckerResult | null;
}

type Stats = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const rec = (v: unknown): Record<string, number> => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, num(x)])) : {});

function withoutHops(st: Stats): Stats {
  if (!('hops' in st)) return st;
  const { hops: _hops, ...rest } = st;
  return rest;
}

function prefixed(prefix: string, v: unknown): Record<string, number> {
  return Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [`${prefix}.${k}`, x]));
}

export function buildNestedReport(
  meta: { scenario: string; runtime: 'threads' | 'sim'; seed: number; workers: number | null; timeScale?: number; placement?: WorkerPlacement[] },
  o: RunOutcome,
  extra: { replay?: string; requiredMarks?: readonly string[] } = {},
): NestedReport {
  const byName = Object.fromEntries(o.actors.map((a) => [a.name, a.stats])) as Record<string, Stats>;
  const hops = hopLatencies(collectHopPoints(o.actors.map((a) => a.stats)));
  // The raw hop stamps are thousands of samples per point: summarised in `hops`, left out of `tiers`.
  const tierOf = (name: string): Stats => withoutHops(byName[name] ?? {});
  const tiers: TierStats = { device: tierOf('device'), iommu: tierOf('iommu'), host: tierOf('host'), vmm: tierOf('vmm'), guest: tierOf('guest') };
  const d = tiers.device;
  const h = d.faultRttNs as Histogram | undefined;
  const seconds = o.elapsedMs / 1000;
  const answered = rec(d.responses);
  const pending = Object.fromEntries(o.actors.map((a) => [a.name, a.pending]));
  const quiescent = o.stopReason === 'quiescent';
  const checks = [...endChecks(tiers, pending, quiescent), ...requiredMarkChecks(extra.requiredMarks ?? [], o.marks)];
  const replay = extra.replay ?? `faultline run ${meta.scenario} --runtime sim --seed ${meta.seed}`;
  const { metrics = null, ...verdict } = o.checker ?? {};
  if (metrics !== null) checks.push(littleLawCheck(metrics));
  const checker = o.checker ? { ...(verdict as CheckerResult), violations: o.checker.violations.map((v) => ({ ...v, replay })) } : null;
  const host = tiers.host;
  return {
    ...meta,
    stopReason: o.stopReason,
    ...(o.stopReport !== undefined ? { stopReport: o.stopReport } : {}),
    elapsedMs: o.elapsedMs,
    clock: meta.runtime === 'sim' ? 'virtual' : 'wall',
    faults: {
      raised: num(d.faults),
      pageRequests: num(d.pageRequests),
      answered,
      retries: num(d.retries),
      refaults: num(d.refaults),
      perSec: Object.values(answered).reduce((a, b) => a + b, 0) / seconds,
      roundTripNs: h && h.total > 0 ? { p50: quantile(h, 0.5), p99: quantile(h, 0.99), max: h.max } : { p50: NaN, p99: NaN, max: NaN },
    },
    hops,
    metrics,
    dma: { started: num(d.accessesStarted), ok: num(d.dmaOk), failed: rec(d.dmaFailed), perSec: num(d.dmaOk) / seconds },
    invalidations: invalidationsOf(tiers),
    drops: {
      ...prefixed('iommu', tiers.iommu.drops),
      ...prefixed('vmm.vprq', tiers.vmm.vprqDrops),
      ...prefixed('device', d.dropped),
      // Open-loop arrivals the device could not issue (actors/device/backlog.ts).
      ...prefixed('device.arrival', (d.arrivals as Stats | undefined)?.dropped),
      'host.stopMarkers': num(host.stopMarkers),
      'host.duplicateResponses': num(host.duplicateResponsesDropped),
      'host.staleGroups': num(host.staleGroupsDropped),
      'guest.duplicateResponses': num(tiers.guest.duplicateResponsesDropped),
    },
    autoResponses: {
      ...prefixed('iommu', tiers.iommu.autoResponses),
      ...prefixed('host', host.autoAnswered),
      'host.noHandler': num((host.noHandler as Stats | undefined)?.answered),
      'host.badRequest': num(host.badRequestsAnswered),
      'vmm.vprqOverflow': num(tiers.vmm.autoAnswers),
    },
    hostIopf: {
      noHandlerAnswered: num((host.noHandler as Stats | undefined)?.answered),
      malformed: Object.values(rec(host.malformed)).reduce((a, b) => a + b, 0),
      stopMarkers: num(host.stopMarkers),
      partialsDiscarded: num(host.partialsDiscarded),
    },
    channels: o.channels,
    marks: o.marks,
    checks,
    checker,
    replay,
    ok: checks.every((c) => c.ok) && (checker === null || checker.violations.length === 0),
    tiers,
  };
}

function invalidationsOf(t: TierStats): NestedReport['invalidations'] {
  const g = (t.guest.unmap ?? {}) as Stats;
  const v = (t.vmm.invalidate ?? {}) as Stats;
  const h = (t.host.invalidate ?? {}) as Stats;
  const i = (t.iommu.invalidations ?? {}) as Stats;
  const w = g.waitNs as Histogram | undefined;
  return {
    unmaps: num(g.unmaps),
    pagesUnmapped: num(g.pagesUnmapped),
    guestIotlb: num(g.iotlbInvs),
    guestDevtlb: num(g.devtlbInvs),
    forwardedEntries: num(v.entriesForwarded),
    hwptInvalidateCalls: num(v.calls),
    iotlbIssued: num(h.iotlbInvs),
    atcIssued: num(i.devtlb),
    atcCompleted: num(i.devtlbCompleted),
    itagStalls: num(i.itagStalls),
    timeouts: num(i.timeouts),
    hostTimeouts: num(h.timeouts),
    waitsIssued: num(g.waits),
    waitsCompleted: num(g.waitsCompleted),
    waitsWithError: num(g.waitErrors),
    waitNs: w && w.total > 0 ? { p50: quantile(w, 0.5), p99: quantile(w, 0.99), max: w.max } : { p50: NaN, p99: NaN, max: NaN },
  };
}
