// Swarm testing (Groce et al., ISSTA 2012) over a scenario's fault knobs: each seed draws which
// of the knobs the scenario turns on are perturbed and how: timings (ATS completion and IOTLB
// invalidation latency, the guest's handler cost and unmap period, DMA think time, ATC
// invalidation delay) scaled by 2^u, u uniform in [−2, 2]; small queues (PRQ, virtual PRQ)
// halved or doubled; in-flight accesses halved or doubled; each timeline event moved (its time
// scaled by 2^u, u in [−1, 1], its window kept) or, one time in four when there are several,
// left out. A knob the scenario leaves off (0) stays off, and one it gives as a window (a
// distribution) is left to the delay choices (a portfolio's swarm seeds pick its ends as pct).
// The draws become `--set` overrides applied through the scenario schema (resolveScenario), so a
// swarm finding's replay line carries them; a draw the schema or the cross-field checks refuse
// is skipped.

import { resolveScenario } from '../scenario/load.ts';
import { parseSetOption } from '../scenario/overrides.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createRng, rngStateFrom, type Rng } from '../util/rng.ts';

/** Timing knobs in ns, by path: perturbed only when the scenario sets them above 0. */
const timingKnobs = ['iommu.atsLatencyNs', 'iommu.iotlbInvLatencyNs', 'guest.handlerCostNs', 'guest.unmapEveryNs', 'workload.thinkNs'] as const;
/** Queues at or under this many entries count as a knob the scenario sets (the defaults are 2048). */
const smallQueueEntries = 256;

function valueAt(s: Scenario, path: string): unknown {
  let node: unknown = s;
  for (const k of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[k];
  return node;
}

/** The `path=value` overrides swarm draws for one seed (before the schema has seen them). */
export function swarmDraws(s: Scenario, seed: number): string[] {
  const rng = createRng(rngStateFrom(seed, 0x5a4a));
  const sets: string[] = [];
  const scaled = (v: number, span: number): number => Math.max(1, Math.round(v * 2 ** ((rng.float() * 2 - 1) * span)));
  for (const path of timingKnobs) {
    const v = valueAt(s, path);
    if (typeof v === 'number' && v > 0 && rng.chance(0.5)) sets.push(`${path}=${scaled(v, 2)}`);
  }
  s.devices.forEach((d, i) => {
    if (typeof d.atcInvDelayNs === 'number' && d.atcInvDelayNs > 0 && rng.chance(0.5)) sets.push(`devices.${i}.atcInvDelayNs=${scaled(d.atcInvDelayNs, 2)}`);
  });
  for (const path of ['iommu.prqEntries', 'vmm.vprqEntries']) {
    const v = valueAt(s, path);
    if (typeof v === 'number' && v <= smallQueueEntries && rng.chance(0.5)) sets.push(`${path}=${rng.chance(0.5) ? v / 2 : v * 2}`);
  }
  if (rng.chance(0.5)) sets.push(`workload.inFlight=${Math.max(1, rng.chance(0.5) ? s.workload.inFlight >> 1 : s.workload.inFlight * 2)}`);
  sets.push(...eventDraws(s, rng));
  return sets;
}

function eventDraws(s: Scenario, rng: Rng): string[] {
  let changed = false;
  const events = s.events.flatMap((e) => {
    if (!rng.chance(0.5)) return [e];
    changed = true;
    if (s.events.length > 1 && rng.chance(0.25)) return [];
    const atMs = Math.min(s.durationMs * 0.95, Math.round(e.atMs * 2 ** (rng.float() * 2 - 1) * 1000) / 1000);
    return [{ ...e, atMs, ...(e.untilMs !== null ? { untilMs: Math.round((atMs + (e.untilMs - e.atMs)) * 1000) / 1000 } : {}) }];
  });
  return changed ? [`events=${JSON.stringify(events)}`] : [];
}

/** The scenario with one seed's swarm draws applied (each through the schema; a refused one is left out). */
export function swarmScenario(s: Scenario, seed: number): Scenario {
  let out = s;
  for (const d of swarmDraws(s, seed)) {
    try {
      out = resolveScenario(out, [parseSetOption(d)]);
    } catch {
      // The schema or a cross-field check refused this draw (a queue below its minimum, an event
      // the timeline cannot move): swarm leaves that knob as the scenario has it.
    }
  }
  return out;
}
