// The guest's invalidations on the virtual invalidation queue (reference §6, QEMU's VT-d
// accel path): a PASID-IOTLB invalidation (vcmd.iotlbInv, DID = the address space) becomes
// an IOMMU_HWPT_INVALIDATE on that space's nested hwpt with one VTD_S1 entry {addr, npages,
// flags LEAF} (ufd.invEntry records ahead of the call); entries for the same hwpt arriving
// while that call still waits at the tail of the syscall queue join it (at most
// MAX_ENTRIES_PER_CALL). The guest's device-TLB invalidation is not forwarded — "the device
// TLB will be invalidated automatically if ATS is enabled": the host issues it — only counted.
// An invalidation wait (vcmd.wait) is answered with vcmd.waitDone only after every
// HWPT_INVALIDATE queued before it returned (syscalls stay one at a time, in order), with
// status 1 when one of them failed (the host's -ETIMEDOUT for an ATC time-out, or another
// errno), else 0. Invalidations naming no known space or a space without a hwpt are counted
// and not forwarded; a wait behind them is still answered.

import type { ActorCtx } from '../../src/actor/define.ts';
import { ufdOp, vtdInvFlag } from '../../src/protocol/iommufd.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { queueCall } from './syscalls.ts';
import type { Syscall, VmmState } from './vmm-state.ts';

export const MAX_ENTRIES_PER_CALL = 64;
/** vcmd.waitDone status when an invalidation the wait covers failed. */
export const VWAIT_STATUS_ERROR = 1;

export interface VmmInvEntry {
  addr: number;
  npages: number;
  flags: number;
}

export interface VmmInvWait {
  tag: number;
  /** Invalidation calls queued before the wait: it is answered once that many returned. */
  needed: number;
  status: number;
  arrivedAtNs: number;
}

export interface VmmInvCounters {
  iotlbInvs: number;
  entriesForwarded: number;
  entriesBatched: number;
  calls: number;
  callsOk: number;
  callErrors: number;
  devtlbInvsAbsorbed: number;
  unknownSpace: number;
  noHwpt: number;
  waits: number;
  waitsAnswered: number;
  waitsWithError: number;
}

export interface VmmInvState {
  /** Invalidation calls queued so far / returned so far (they return in queue order). */
  callsQueued: number;
  callsDone: number;
  waits: VmmInvWait[];
  n: VmmInvCounters;
}

export function createVmmInvState(): VmmInvState {
  return {
    callsQueued: 0,
    callsDone: 0,
    waits: [],
    n: {
      iotlbInvs: 0,
      entriesForwarded: 0,
      entriesBatched: 0,
      calls: 0,
      callsOk: 0,
      callErrors: 0,
      devtlbInvsAbsorbed: 0,
      unknownSpace: 0,
      noHwpt: 0,
      waits: 0,
      waitsAnswered: 0,
      waitsWithError: 0,
    },
  };
}

export function onGuestIotlbInv(s: VmmState, m: MessageByType<'vcmd.iotlbInv'>, ctx: ActorCtx): void {
  const inv = s.inv;
  inv.n.iotlbInvs++;
  const space = s.cfg.spaces.find((sp) => sp.asid === m.did);
  if (space === undefined || (m.pasidPresent ? space.vpasid !== m.pasid : space.vpasid !== null)) {
    inv.n.unknownSpace++;
    s.n.guestInvalidationsNotForwarded++;
    ctx.mark('vmm.invalidationUnknownSpace');
    return;
  }
  const hwpt = s.hwpts[space.asid];
  if (hwpt === undefined) {
    inv.n.noHwpt++;
    s.n.guestInvalidationsNotForwarded++;
    return;
  }
  const entry: VmmInvEntry = { addr: m.addr, npages: m.pages, flags: vtdInvFlag.LEAF };
  inv.n.entriesForwarded++;
  const tail = s.callQueue.at(-1);
  if (tail !== undefined && tail.purpose.kind === 'invalidate' && tail.a0 === hwpt && tail.purpose.entries.length < MAX_ENTRIES_PER_CALL) {
    tail.purpose.entries.push(entry);
    tail.a1 = tail.purpose.entries.length;
    inv.n.entriesBatched++;
    return;
  }
  inv.callsQueued++;
  inv.n.calls++;
  queueCall(s, ctx, ufdOp.HWPT_INVALIDATE, [hwpt, 1, 0, 0], { kind: 'invalidate', index: inv.callsQueued, entries: [entry] });
}

export function onGuestDevtlbInv(s: VmmState): void {
  s.inv.n.devtlbInvsAbsorbed++;
  s.n.guestInvalidationsNotForwarded++;
}

export function onGuestWait(s: VmmState, m: MessageByType<'vcmd.wait'>, ctx: ActorCtx): void {
  s.n.guestWaits++;
  s.inv.n.waits++;
  s.inv.waits.push({ tag: m.tag, needed: s.inv.callsQueued, status: 0, arrivedAtNs: ctx.now() });
  releaseWaits(s, ctx);
}

export function onInvalidateResult(s: VmmState, call: Syscall, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): void {
  if (call.purpose.kind !== 'invalidate') return;
  const inv = s.inv;
  inv.callsDone = call.purpose.index;
  if (m.ret < 0) {
    inv.n.callErrors++;
    ctx.mark('vmm.invalidateFailed');
    for (const w of inv.waits) if (w.needed >= call.purpose.index) w.status = VWAIT_STATUS_ERROR;
  } else {
    inv.n.callsOk++;
  }
  releaseWaits(s, ctx);
}

/** Answer, in order, every wait whose invalidations all returned. */
function releaseWaits(s: VmmState, ctx: ActorCtx): void {
  const inv = s.inv;
  while (inv.waits.length > 0 && inv.waits[0]!.needed <= inv.callsDone) {
    const w = inv.waits.shift()!;
    inv.n.waitsAnswered++;
    if (w.status !== 0) inv.n.waitsWithError++;
    sendOrQueue(s.outboxes, ctx, 'vmm->guest', { type: 'vcmd.waitDone', tag: w.tag, status: w.status });
  }
}
