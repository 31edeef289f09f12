// Open-loop arrivals meet the device's access slots. An arrival whose address space has a free
// slot (fewer than workload.inFlight accesses under way) starts at once. Otherwise the device
// cannot issue it: not while every slot is busy (a slot stays busy while its fault waits for
// PRI credits or a PRGI, so credit exhaustion shows up here too), not before software enabled
// PRI, not while its PASID is stopped. A real device then holds the request in its own
// bounded queue (a descriptor ring or a work queue) and stalls, so the arrival waits in the
// space's backlog, oldest first; a slot that finishes takes the oldest. When the backlog holds
// workload.backlogMax arrivals the next one is dropped with reason 'backlogFull' and counted
// (the host would see its submission refused); a removed function drops its arrivals with
// 'functionRemoved'. Nothing is dropped silently. The backlogs are a measured queue
// (deviceBacklog: occupancy, sojourn, drops, Little's law), keyed by address space.

import type { ActorCtx } from '../../src/actor/define.ts';
import { checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { beginAccess } from './access.ts';
import type { ArrivalDropReason } from './counters.ts';
import type { DeviceState } from './device-state.ts';
import { fnRemoved } from './reset.ts';
import { workloadReady } from './start.ts';

export interface PendingArrival {
  page: number;
  write: boolean;
}

/** Backlog bound per address space when workload.backlogMax is absent. */
export const backlogMaxDefault = 64;

/** An arrival for address space `spaceIdx`: start it on a free slot, or queue it, or drop it. */
export function arrive(s: DeviceState, ctx: ActorCtx, spaceIdx: number, page: number, write: boolean): void {
  const a = s.c.arrivals;
  a.generated++;
  const space = s.spaces[spaceIdx]!;
  if (fnRemoved(s, space.fnIdx)) {
    drop(s, ctx, spaceIdx, 'functionRemoved', 1);
    return;
  }
  if (space.backlog.length === 0 && canIssue(s, spaceIdx)) {
    const slotIdx = freeSlot(s, spaceIdx);
    if (slotIdx >= 0) {
      a.issuedAtOnce++;
      beginAccess(s, ctx, slotIdx, page, write);
      return;
    }
  }
  if (space.backlog.length >= (s.cfg.workload.backlogMax ?? backlogMaxDefault)) {
    drop(s, ctx, spaceIdx, 'backlogFull', 1);
    return;
  }
  space.backlog.push({ page, write });
  ctx.check({ type: 'chk.queue', queue: checkQueue.deviceBacklog, op: checkQueueOp.enqueue, ghost: spaceIdx + 1, count: 1, reason: checkReason.none });
  a.backlogged++;
  if (space.backlog.length > a.backlogPeak) a.backlogPeak = space.backlog.length;
  ctx.mark('device.arrival-backlogged');
}

/** startAccess of an open-loop slot: take the oldest waiting arrival, or stay free ('idle'). */
export function takeArrival(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  const slot = s.slots[slotIdx]!;
  const space = s.spaces[slot.spaceIdx]!;
  if (fnRemoved(s, space.fnIdx)) {
    slot.phase = 'stopped';
    const waiting = space.backlog.length;
    if (waiting > 0) ctx.check({ type: 'chk.queue', queue: checkQueue.deviceBacklog, op: checkQueueOp.dequeue, ghost: slot.spaceIdx + 1, count: waiting, reason: checkReason.none });
    drop(s, ctx, slot.spaceIdx, 'functionRemoved', waiting);
    space.backlog = [];
    return;
  }
  if (space.backlog.length === 0 || !workloadReady(s, space.fnIdx)) {
    slot.phase = 'idle';
    return;
  }
  const next = space.backlog.shift()!;
  ctx.check({ type: 'chk.queue', queue: checkQueue.deviceBacklog, op: checkQueueOp.dequeue, ghost: slot.spaceIdx + 1, count: 1, reason: checkReason.none });
  s.c.arrivals.issuedFromBacklog++;
  beginAccess(s, ctx, slotIdx, next.page, next.write);
}

/** The space may issue again (PRI enabled, PASID bound): its free slots take waiting arrivals. */
export function serveBacklog(s: DeviceState, ctx: ActorCtx, spaceIdx: number): void {
  const space = s.spaces[spaceIdx]!;
  while (space.backlog.length > 0 && canIssue(s, spaceIdx)) {
    const slotIdx = freeSlot(s, spaceIdx);
    if (slotIdx < 0) return;
    takeArrival(s, ctx, slotIdx);
  }
}

function canIssue(s: DeviceState, spaceIdx: number): boolean {
  const space = s.spaces[spaceIdx]!;
  return s.running && space.stop === undefined && workloadReady(s, space.fnIdx);
}

/** A free slot of the space (its slots are contiguous, inFlight of them: device-state.ts), or -1. */
function freeSlot(s: DeviceState, spaceIdx: number): number {
  const n = s.cfg.workload.inFlight;
  for (let i = spaceIdx * n; i < (spaceIdx + 1) * n; i++) if (s.slots[i]!.phase === 'idle') return i;
  return -1;
}

function drop(s: DeviceState, ctx: ActorCtx, spaceIdx: number, reason: ArrivalDropReason, count: number): void {
  if (count === 0) return;
  s.c.arrivals.dropped[reason] += count;
  ctx.check({ type: 'chk.queue', queue: checkQueue.deviceBacklog, op: checkQueueOp.drop, ghost: spaceIdx + 1, count, reason: checkReason[reason] });
  ctx.mark(`device.arrival-dropped-${reason}`);
}

/** Arrivals waiting in every backlog. */
export function backlogTotal(s: DeviceState): number {
  return s.spaces.reduce((n, sp) => n + sp.backlog.length, 0);
}
