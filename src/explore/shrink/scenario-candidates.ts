// The smaller scenarios a shrink tries, biggest cut first: a shorter run, fewer devices,
// fewer PASIDs, fewer timeline events, fewer accesses (in flight, in all), smaller groups, smaller queues (powers of
// two, as the schema wants), and features the failure may not need switched off (the unmap
// workload, invalidation and ATS latencies, handler cost), and the simulator's timing windows
// (sim.latencyNs, sim.hops, sim.service given as distributions) taken away, fixed at their low
// end (a delay choice's default: schedule-shrink.ts) or halved. Each is checked by the schema like
// any scenario; one the schema or the cross-checks refuse is not a candidate.

import { resolveScenario } from '../../scenario/load.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { delayWindowOf } from '../../runtime/sim/timing.ts';
import type { Distribution } from '../../util/distribution.ts';

export interface ScenarioCandidate {
  /** What it changes, for the shrink's log. */
  change: string;
  scenario: Scenario;
  /** A limit: kept only when the run gets shorter (a limit the run never reaches shrinks nothing). */
  limit: boolean;
}

type Edit = [change: string, apply: (s: Scenario) => void, limit?: boolean];

/** Straight to `min`, then half (rounded down), then one less. */
function smaller(v: number, min: number): number[] {
  const out: number[] = v > min + 1 ? [min] : [];
  if (Math.floor(v / 2) >= min && Math.floor(v / 2) < v) out.push(Math.floor(v / 2));
  if (v - 1 >= min && !out.includes(v - 1)) out.push(v - 1);
  return out;
}

/** 1, then half (rounded down). */
const halvings = (v: number): number[] => (v > 2 ? [1, Math.floor(v / 2)] : v === 2 ? [1] : []);

/** A power of two: straight to `min`, else halved. */
const halved = (v: number, min: number): number[] => (v / 2 > min ? [min, v / 2] : v / 2 >= min ? [v / 2] : []);

function edits(s: Scenario): Edit[] {
  const out: Edit[] = [];
  for (const d of smaller(s.durationMs, 1)) out.push([`durationMs ${s.durationMs} → ${d}`, (x) => void (x.durationMs = d)]);
  if (s.devices.length > 1) {
    s.devices.forEach((dev, i) => out.push([`drop device ${dev.name || dev.rid}`, (x) => void x.devices.splice(i, 1)]));
  }
  s.devices.forEach((dev, i) => {
    if (dev.pasids.length > 1) {
      out.push([`device ${dev.name || dev.rid}: pasids [${dev.pasids}] → [${dev.pasids[0]}]`, (x) => void (x.devices[i]!.pasids = x.devices[i]!.pasids.slice(0, 1))]);
      dev.pasids.forEach((p, j) => out.push([`device ${dev.name || dev.rid}: drop pasid ${p}`, (x) => void x.devices[i]!.pasids.splice(j, 1)]));
    }
  });
  s.events.forEach((e, i) => out.push([`drop event ${i} (${e.action} at ${e.atMs} ms)`, (x) => void x.events.splice(i, 1)]));
  for (const n of smaller(s.workload.inFlight, 1)) out.push([`workload.inFlight ${s.workload.inFlight} → ${n}`, (x) => void (x.workload.inFlight = n)]);
  const ppg = s.workload.pagesPerGroup;
  // A distribution of group sizes shrinks to one page per group first.
  if (typeof ppg !== 'number') out.push([`workload.pagesPerGroup ${JSON.stringify(ppg)} → 1`, (x) => void (x.workload.pagesPerGroup = 1)]);
  else for (const n of smaller(ppg, 1)) out.push([`workload.pagesPerGroup ${ppg} → ${n}`, (x) => void (x.workload.pagesPerGroup = n)]);
  for (const n of halved(s.iommu.prqEntries, 2)) out.push([`iommu.prqEntries ${s.iommu.prqEntries} → ${n}`, (x) => void (x.iommu.prqEntries = n)]);
  for (const n of halved(s.vmm.vprqEntries, 2)) out.push([`vmm.vprqEntries ${s.vmm.vprqEntries} → ${n}`, (x) => void (x.vmm.vprqEntries = n)]);
  const off: [string, (x: Scenario) => unknown, (x: Scenario) => void][] = [
    ['guest.unmapEveryNs', (x) => x.guest.unmapEveryNs, (x) => void (x.guest.unmapEveryNs = 0)],
    ['guest.handlerCostNs', (x) => x.guest.handlerCostNs, (x) => void (x.guest.handlerCostNs = 0)],
    ['iommu.iotlbInvLatencyNs', (x) => x.iommu.iotlbInvLatencyNs, (x) => void (x.iommu.iotlbInvLatencyNs = 0)],
    ['iommu.atsLatencyNs', (x) => x.iommu.atsLatencyNs, (x) => void (x.iommu.atsLatencyNs = 0)],
  ];
  for (const [key, get, set] of off) if (get(s) !== 0) out.push([`${key} ${JSON.stringify(get(s))} → 0`, set]);
  for (const w of timingWindows(s)) {
    const d = w.get(s);
    out.push([`${w.key} ${JSON.stringify(d)} → removed`, (x) => w.set(x, null)]);
    const [lo, hi] = delayWindowOf(d);
    out.push([`${w.key} ${JSON.stringify(d)} → ${lo}`, (x) => w.set(x, lo)]);
    const mid = lo + Math.floor((hi - lo) / 2);
    if (d.dist === 'uniform' && mid > lo) out.push([`${w.key} ${JSON.stringify(d)} → ${JSON.stringify({ ...d, max: mid })}`, (x) => w.set(x, { ...d, max: mid })]);
  }
  // Fewer accesses per address space, last (a limit taken early can block the cuts above): from
  // no limit, a few limits growing fourfold; else halved.
  const accesses = s.workload.accessesMax === 0 ? [1, 4, 16, 64, 256, 1024] : halvings(s.workload.accessesMax);
  for (const n of accesses) out.push([`workload.accessesMax ${s.workload.accessesMax || 'none'} → ${n}`, (x) => void (x.workload.accessesMax = n), true]);
  return out;
}

/** A timing the scenario declares as a window (a distribution other than fixed), with how to change it (null: take it away). */
interface TimingWindow {
  key: string;
  get: (s: Scenario) => Distribution;
  set: (s: Scenario, v: number | Distribution | null) => void;
}

const isWindow = (v: number | Distribution | null | undefined): v is Distribution => typeof v === 'object' && v !== null && v.dist !== 'fixed';

/** The scenario's timing windows: sim.latencyNs, then each of sim.hops and sim.service. */
function timingWindows(s: Scenario): TimingWindow[] {
  const out: TimingWindow[] = [];
  if (isWindow(s.sim.latencyNs)) {
    out.push({ key: 'sim.latencyNs', get: (x) => x.sim.latencyNs as Distribution, set: (x, v) => void (x.sim.latencyNs = v) });
  }
  for (const map of ['hops', 'service'] as const) {
    for (const [k, v] of Object.entries(s.sim[map])) {
      if (!isWindow(v)) continue;
      out.push({
        key: `sim.${map}.${k}`,
        get: (x) => (x.sim[map] as Record<string, Distribution>)[k]!,
        set: (x, next) => {
          const m = x.sim[map] as Record<string, number | Distribution>;
          if (next === null) delete m[k];
          else m[k] = next;
        },
      });
    }
  }
  return out;
}

/** Every valid one-edit-smaller scenario, in the order worth trying. */
export function scenarioCandidates(s: Scenario): ScenarioCandidate[] {
  const out: ScenarioCandidate[] = [];
  for (const [change, apply, limit] of edits(s)) {
    const next = structuredClone(s);
    apply(next);
    try {
      out.push({ change, scenario: resolveScenario(next), limit: limit === true });
    } catch {
      // the schema or a cross-check refuses it (an event naming a dropped device, …): not a candidate
    }
  }
  return out;
}

/** The sizes a shrink reports for a scenario. */
export function scenarioSize(s: Scenario): { devices: number; pasids: number; events: number; durationMs: number; windows: number } {
  return { devices: s.devices.length, pasids: s.devices.reduce((n, d) => n + d.pasids.length, 0), events: s.events.length, durationMs: s.durationMs, windows: timingWindows(s).length };
}
