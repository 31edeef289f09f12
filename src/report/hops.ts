// Per-hop latency of the fault round trip from the tiers' hop stamps (hop-stamps.ts): each
// tier publishes `stats().hops = { [point]: HopStamps }`; the stamps of all points are joined
// by ghost id, and each segment (from one point to the next) gets a histogram of the time
// its sampled groups spent in it — only groups seen at both of the segment's points count.

import { createHistogram, quantile, record } from '../metrics/histogram.ts';
import { stampsInOrder, type HopStamps } from '../metrics/hop-stamps.ts';

export interface HopSegmentDef {
  segment: string;
  from: string;
  to: string;
}

/** The segments the summary shows, in path order, and the end-to-end total. */
export const HOP_SEGMENTS: readonly HopSegmentDef[] = [
  { segment: 'device→host', from: 'dev.sent', to: 'host.received' },
  { segment: 'host→vmm', from: 'host.received', to: 'vmm.read' },
  { segment: 'vmm→guest', from: 'vmm.read', to: 'guest.received' },
  { segment: 'guest handler', from: 'guest.received', to: 'guest.responded' },
  { segment: 'guest→vmm write', from: 'guest.responded', to: 'vmm.written' },
  { segment: 'vmm→host→device', from: 'vmm.written', to: 'dev.answered' },
  { segment: 'total', from: 'dev.sent', to: 'dev.answered' },
];

export interface HopLatency {
  segment: string;
  p50Ns: number;
  p99Ns: number;
  samples: number;
}

export type HopPoints = Record<string, HopStamps>;

function isHopStamps(v: unknown): v is HopStamps {
  if (!v || typeof v !== 'object') return false;
  const h = v as Partial<HopStamps>;
  return Array.isArray(h.ghosts) && Array.isArray(h.ns) && typeof h.capacity === 'number' && typeof h.next === 'number';
}

/** Every tier's `hops` stamps as one record by point name (a later tier wins on a repeated name). */
export function collectHopPoints(tierStats: Record<string, unknown>[]): HopPoints {
  const out: HopPoints = {};
  for (const st of tierStats) {
    const hops = (st as { hops?: unknown }).hops;
    if (!hops || typeof hops !== 'object') continue;
    for (const [name, h] of Object.entries(hops)) if (isHopStamps(h)) out[name] = h;
  }
  return out;
}

/** ghost → time at one point; a ghost stamped twice there (a write sent again) keeps its latest stamp. */
function byGhost(h: HopStamps): Map<number, number> {
  const m = new Map<number, number>();
  const stamps = stampsInOrder(h);
  for (let i = 0; i < stamps.length; i++) m.set(stamps[i]![0], stamps[i]![1]);
  return m;
}

/**
 * Per segment of `segments`, the p50/p99 of (to − from) over the ghosts stamped at both points.
 * A segment whose points are not both published is left out; one with no common ghost has
 * samples 0 and NaN quantiles. Negative spans (clocks of different threads) count as 0.
 */
export function hopLatencies(points: HopPoints, segments: readonly HopSegmentDef[] = HOP_SEGMENTS): HopLatency[] {
  const maps = new Map<string, Map<number, number>>();
  const mapOf = (name: string): Map<number, number> | undefined => {
    const h = points[name];
    if (h === undefined) return undefined;
    let m = maps.get(name);
    if (m === undefined) maps.set(name, (m = byGhost(h)));
    return m;
  };
  const out: HopLatency[] = [];
  for (const seg of segments) {
    const from = mapOf(seg.from);
    const to = mapOf(seg.to);
    if (from === undefined || to === undefined) continue;
    const hist = createHistogram();
    // forEach, not for-of: no iterator and no [key, value] pair per ghost.
    from.forEach((t0, g) => {
      const t1 = to.get(g);
      if (t1 !== undefined) record(hist, Math.max(0, t1 - t0));
    });
    out.push({ segment: seg.segment, p50Ns: quantile(hist, 0.5), p99Ns: quantile(hist, 0.99), samples: hist.total });
  }
  return out;
}
