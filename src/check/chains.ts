// Causal chains: the last few events of each group, kept per ghost id in a small ring so a
// violation can show how the group got there. A group's ring moves to a bounded window of
// recently finished groups when the device is done with it, so memory follows the groups in
// flight, not the length of the run.

import type { CheckEvent } from '../protocol/messages.ts';
import type { ChainEntry } from './types.ts';

export interface Stamped {
  /** Position in the checker's history (unique, increasing). */
  order: number;
  /** As the runtime stamped it: the simulator's step, the threaded run's sequence number. */
  seq: number;
  timeNs: number;
  actor: number;
  event: CheckEvent;
}

export const chainLength = 12;

export class Chains {
  private readonly live = new Map<number, Stamped[]>();
  private readonly recent = new Map<number, Stamped[]>();
  /** Events that concern no group (translations), newest last. */
  private readonly loose: Stamped[] = [];

  constructor(private readonly recentMax = 4096) {}

  add(ghost: number, s: Stamped): void {
    let ring: Stamped[] | undefined;
    if (ghost === 0) ring = this.loose;
    else {
      ring = this.live.get(ghost) ?? this.recent.get(ghost);
      if (!ring) this.live.set(ghost, (ring = []));
    }
    ring.push(s);
    if (ring.length > chainLength) ring.shift();
  }

  /** The group is finished: keep its chain only in the recent window. */
  retire(ghost: number): void {
    const ring = this.live.get(ghost);
    if (!ring) return;
    this.live.delete(ghost);
    this.recent.set(ghost, ring);
    if (this.recent.size > this.recentMax) this.recent.delete(this.recent.keys().next().value!);
  }

  /** The last `chainLength` events involving any of `ghosts` (or the loose ones when none), oldest first. */
  chainOf(ghosts: number[], render: (s: Stamped) => ChainEntry): ChainEntry[] {
    const all: Stamped[] = [];
    if (ghosts.length === 0) all.push(...this.loose);
    for (const g of new Set(ghosts)) all.push(...(this.live.get(g) ?? this.recent.get(g) ?? []));
    all.sort((a, b) => a.order - b.order);
    return all.slice(-chainLength).map(render);
  }
}
