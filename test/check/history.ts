// Hand-written check-event histories for the monitor tests: one correct round trip of a
// group through every layer, and helpers to feed a history to a Checker.

import { Checker } from '../../src/check/checker.ts';
import type { CheckerResult, RunEnd } from '../../src/check/types.ts';
import { checkLayer as L, checkQueue as Q, checkQueueOp as Op, checkReason as R } from '../../src/protocol/check-events.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';

export const rid = 0x100;

export function raise(ghost: number, prgi: number, requests = 2, incarnation = ghost, firstPage = 10, pasidGen = 1): CheckEvent {
  return { type: 'chk.raise', ghost, rid, pasid: 1, pasidPresent: true, prgi, requests, incarnation, firstPage, pasidGen };
}

export const q = (queue: number, op: number, ghost: number, count = 1, reason: number = R.none): CheckEvent => ({ type: 'chk.queue', queue, op, ghost, count, reason });
export const seen = (layer: number, ghost: number, page: number, last: boolean): CheckEvent => ({ type: 'chk.reqSeen', layer, ghost, page, last });
export const deliver = (layer: number, ghost: number, requests: number): CheckEvent => ({ type: 'chk.deliver', layer, ghost, requests });
export const respond = (layer: number, ghost: number, prgi: number, auto = false, code = 0): CheckEvent => ({ type: 'chk.respond', layer, ghost, code, rid, prgi, auto });
export const delivered = (ghost: number, prgi: number, code = 0): CheckEvent => ({ type: 'chk.respDelivered', ghost, rid, prgi, code });
export const retire = (layer: number, ghost: number, reason: number, requests: number): CheckEvent => ({ type: 'chk.retire', layer, ghost, reason, requests });

/** A group of two page requests (pages 10, 11) going all the way to the guest and back. */
export function roundTrip(ghost: number, prgi: number, firstPage = 10): CheckEvent[] {
  const p0 = firstPage;
  const p1 = firstPage + 1;
  return [
    raise(ghost, prgi, 2, ghost, firstPage),
    { type: 'chk.pageReq', ghost, index: 0, last: false },
    { type: 'chk.pageReq', ghost, index: 1, last: true },
    q(Q.prq, Op.enqueue, ghost),
    q(Q.prq, Op.enqueue, ghost),
    q(Q.prq, Op.dequeue, ghost, 2),
    seen(L.host, ghost, p0, false),
    seen(L.host, ghost, p1, true),
    q(Q.hostCore, Op.enqueue, ghost),
    q(Q.hostCore, Op.dequeue, ghost),
    deliver(L.host, ghost, 2),
    q(Q.faultFd, Op.enqueue, ghost),
    q(Q.faultFd, Op.dequeue, ghost),
    q(Q.vprq, Op.enqueue, ghost, 2),
    q(Q.vprq, Op.dequeue, ghost, 2),
    seen(L.guest, ghost, p0, false),
    seen(L.guest, ghost, p1, true),
    deliver(L.guest, ghost, 2),
    respond(L.guest, ghost, prgi),
    respond(L.vmm, ghost, prgi),
    respond(L.host, ghost, prgi),
    delivered(ghost, prgi),
  ];
}

export function check(events: CheckEvent[], end: RunEnd = { quiescent: true, stopReason: 'quiescent' }): CheckerResult {
  const c = new Checker({ actorNames: ['device', 'iommu', 'host', 'vmm', 'guest'] });
  events.forEach((ev, i) => c.event(ev, i, i * 10, 0));
  return c.finish(end);
}

export const failedIds = (r: CheckerResult): string[] => r.invariants.filter((i) => i.ok === false).map((i) => i.id);
