// A function stops using a PASID and later uses it for a new address space (issue 4, PASID
// lifecycle; iopf-domain.md §1.5). pci.pasidCtl STOP: the space's slots start no new access
// (each parks at its next one), accesses waiting for credits fail, and a fault on the space
// fails instead of raising a group. Without `stopMarker` the function then waits until every
// page request group of the space was answered; with it, it stops at once and closes its
// requests with a Stop Marker (last=1, rd=wr=0, the PASID), leaving the outstanding groups to
// be answered later. Either way it reports the stop (pci.pasidStopped) after its last page
// request on the same channel. pci.pasidCtl BIND: the PASID now names a new address space —
// its incarnation goes up (chk.raise pasidGen), its ATC entries are dropped, the parked slots
// start again (open loop: and the space's free slots take the arrivals that waited meanwhile).

import type { ActorCtx } from '../../src/actor/define.ts';
import { pasidOp } from '../../src/protocol/iopf.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { DEV_TO_IOMMU, failAccess, startAccess } from './access.ts';
import { atcInvalidate } from './atc.ts';
import { serveBacklog } from './backlog.ts';
import type { DeviceState } from './device-state.ts';

export interface PasidStop {
  stopMarker: boolean;
  /** pci.pasidStopped sent. */
  reported: boolean;
  /** Slots parked at their next access, restarted on BIND. */
  parked: number[];
}

export function onPasidCtl(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.pasidCtl'>): void {
  const spaceIdx = s.spaces.findIndex((sp) => sp.cfg.rid === msg.rid && sp.cfg.pasid === msg.pasid);
  ctx.assert(spaceIdx >= 0, 'FAULTLINE_DEVICE_PASID', `pasidCtl for rid ${msg.rid} pasid ${msg.pasid}: no such address space`);
  const sp = s.spaces[spaceIdx]!;
  const fn = s.fns[sp.fnIdx]!;
  if (msg.op === pasidOp.STOP) {
    if (sp.stop !== undefined) return;
    sp.stop = { stopMarker: msg.stopMarker, reported: false, parked: [] };
    const waiting = fn.waitQueue.filter((slotIdx) => s.slots[slotIdx]!.spaceIdx === spaceIdx);
    fn.waitQueue = fn.waitQueue.filter((slotIdx) => s.slots[slotIdx]!.spaceIdx !== spaceIdx);
    for (const slotIdx of waiting) failAccess(s, ctx, slotIdx, 'invalid');
    if (msg.stopMarker) {
      sendOrQueue(s.outboxes, ctx, DEV_TO_IOMMU, {
        type: 'pci.pageReq',
        rid: msg.rid,
        pasidPresent: true,
        pasid: msg.pasid,
        exe: false,
        priv: false,
        rd: false,
        wr: false,
        last: true,
        prgi: 0,
        addr: 0,
        ghost: 0,
      });
      s.c.pageRequests++;
      ctx.mark('device.stop-marker-sent');
      report(s, ctx, spaceIdx);
    } else {
      checkPasidStopped(s, ctx, sp.fnIdx);
    }
    return;
  }
  const stop = sp.stop;
  if (stop === undefined) return;
  sp.stop = undefined;
  sp.pasidGen++;
  atcInvalidate(fn.atc, (pasid) => pasid === msg.pasid);
  ctx.mark('device.pasid-rebound');
  for (const slotIdx of stop.parked) startAccess(s, ctx, slotIdx);
  serveBacklog(s, ctx, spaceIdx);
}

/** After a response: a function stopping a PASID (waiting for its responses) reports once none of its groups is left. */
export function checkPasidStopped(s: DeviceState, ctx: ActorCtx, fnIdx: number): void {
  const fn = s.fns[fnIdx]!;
  s.spaces.forEach((sp, spaceIdx) => {
    if (sp.fnIdx !== fnIdx || sp.stop === undefined || sp.stop.reported || sp.stop.stopMarker) return;
    if (fn.groups.some((g) => g !== null && g.spaceIdx === spaceIdx)) return;
    report(s, ctx, spaceIdx);
  });
}

function report(s: DeviceState, ctx: ActorCtx, spaceIdx: number): void {
  const sp = s.spaces[spaceIdx]!;
  sp.stop!.reported = true;
  ctx.mark('device.pasid-stopped');
  sendOrQueue(s.outboxes, ctx, DEV_TO_IOMMU, { type: 'pci.pasidStopped', rid: sp.cfg.rid, pasid: sp.cfg.pasid ?? 0 });
}

/** startAccess: a slot of a stopped space parks until the PASID is bound again. */
export function parkIfStopped(s: DeviceState, slotIdx: number): boolean {
  const slot = s.slots[slotIdx]!;
  const stop = s.spaces[slot.spaceIdx]!.stop;
  if (stop === undefined) return false;
  slot.phase = 'idle';
  stop.parked.push(slotIdx);
  return true;
}

/** raiseFault: no new page request on a stopped PASID; the access fails. */
export function faultOnStopped(s: DeviceState, ctx: ActorCtx, slotIdx: number): boolean {
  if (s.spaces[s.slots[slotIdx]!.spaceIdx]!.stop === undefined) return false;
  failAccess(s, ctx, slotIdx, 'invalid');
  return true;
}
