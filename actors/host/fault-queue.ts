// The iommufd fault object seen as one queue by the checker (I4, queue `faultFd`): a group
// enters when the IOPF handler puts it on the deliver list and leaves when it is taken out of
// the object — answered by a write() of its cookie, auto-answered on detach / replace /
// destroy, or skipped by read() because the core answered it behind iommufd's back. Moving
// from the deliver list to the response map (a read) keeps it inside. A group the object
// still holds when it is freed was lost without a reason, which I4 reports at quiescence.

import type { ActorCtx } from '../../src/actor/define.ts';
import { checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import type { UfdFault } from './ufd-objects.ts';

export function faultQueueAdd(fault: UfdFault, gid: number, ghost: number, ctx: ActorCtx): void {
  fault.deliver.push(gid);
  fault.ghosts.set(gid, ghost);
  ctx.check({ type: 'chk.queue', queue: checkQueue.faultFd, op: checkQueueOp.enqueue, ghost, count: 1, reason: checkReason.none });
}

/** read() moved the group from the deliver list into the response map (it stays in the object). */
export function faultQueueRead(ghost: number, ctx: ActorCtx): void {
  ctx.check({ type: 'chk.queue', queue: checkQueue.faultFd, op: checkQueueOp.move, ghost, count: 1, reason: checkReason.none });
}

/** The group left the object (the caller already removed it from the deliver list or the response map). */
export function faultQueueTake(fault: UfdFault, gid: number, ctx: ActorCtx): void {
  const ghost = fault.ghosts.get(gid);
  if (ghost === undefined) return;
  fault.ghosts.delete(gid);
  ctx.check({ type: 'chk.queue', queue: checkQueue.faultFd, op: checkQueueOp.dequeue, ghost, count: 1, reason: checkReason.none });
}
