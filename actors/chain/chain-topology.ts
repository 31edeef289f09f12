// The example topology: device → iommu → host → vmm → guest and back, one chain stage per
// tier, one channel each way between neighbours. Used by tests, `npm start` (until the
// IOPF tiers exist) and the benchmarks.

import type { Topology } from '../../src/actor/topology.ts';
import { chainStageActor, type ChainStageConfig } from './chain-stage.actor.ts';

export const chainStageNames = ['device', 'iommu', 'host', 'vmm', 'guest'] as const;

export interface ChainOptions {
  /** Round trips to complete (0: run for durationNs). */
  requests?: number;
  durationNs?: number;
  window?: number;
  capacity?: number;
  stages?: number;
  /** Threads: 'each' puts every stage on its own worker; a number groups stages into that many workers. */
  workers?: 'each' | number;
}

export function chainTopology(opts: ChainOptions = {}): Topology {
  const stages = opts.stages ?? chainStageNames.length;
  const capacity = opts.capacity ?? 1024;
  const names = Array.from({ length: stages }, (_, i) => chainStageNames[i] ?? `stage${i}`);
  const groupsCount = opts.workers === undefined || opts.workers === 'each' ? stages : Math.max(1, Math.min(stages, opts.workers));
  const perGroup = Math.ceil(stages / groupsCount);
  const actors = names.map((name, i) => {
    const cfg: ChainStageConfig = {
      role: i === 0 ? 'source' : i === stages - 1 ? 'sink' : 'relay',
      index: i,
      ...(i < stages - 1 ? { down: `${name}->${names[i + 1]}` } : {}),
      ...(i > 0 ? { up: `${name}->${names[i - 1]}` } : {}),
      ...(i === 0 ? { requests: opts.requests ?? 0, durationNs: opts.durationNs ?? Infinity, window: opts.window ?? 1 } : {}),
    };
    return { name, def: chainStageActor, config: cfg, group: `w${Math.floor(i / perGroup)}` };
  });
  const channels = [];
  for (let i = 0; i < stages - 1; i++) {
    channels.push({ name: `${names[i]}->${names[i + 1]}`, from: names[i]!, to: names[i + 1]!, capacity });
    channels.push({ name: `${names[i + 1]}->${names[i]}`, from: names[i + 1]!, to: names[i]!, capacity });
  }
  return { actors, channels };
}
