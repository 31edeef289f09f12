// The PRI path: an access whose translation came back without the needed permission raises a
// page request group (pagesPerGroup consecutive pages from the faulting one, drawn per fault when a distribution, same PRGI, L=1
// on the final one, R/W of the access, PASID prefix when the space has a PASID), or waits
// for credits/a PRGI. PRG Responses are matched by (RID, PRGI[, PASID when the function
// requires it]); a response matching nothing sets UPRGI and is otherwise ignored.
// Success → credits back, the faulting access re-translates and the group's other pages are
// prefetched into the ATC; Invalid → the access fails; Response Failure → PRI stops for the
// PF family (pri.ts). Reserved codes are treated as Response Failure (PCIe, [recalled]).

import type { ActorCtx } from '../../src/actor/define.ts';
import type { Effect } from '../../src/machines/index.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { prgCode } from '../../src/protocol/iopf.ts';
import { checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { record } from '../../src/metrics/histogram.ts';
import { groupPagesLimit } from '../../src/config/workload.ts';
import { sample, type Distribution } from '../../src/util/distribution.ts';
import type { Rng } from '../../src/util/rng.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import type { PrgEvent, PrgOutcome } from '../../machines/prg.machine.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { DEV_TO_IOMMU, failAccess, requestTranslation, translateFor } from './access.ts';
import { PRGI_COUNT, type DeviceState, type FnState, type PrgGroup } from './device-state.ts';
import { prgExec } from './machines.ts';
import { priEvent, priFailure, priUsable } from './pri.ts';
import { insertGroup, raiseBlockedBy, removeGroup } from './prg-table.ts';
import { freePrgGroup, newPrgGroup } from './records.ts';
import { completeReset } from './reset.ts';
import { checkPasidStopped, faultOnStopped } from './pasid.ts';
import { EffectScratch } from '../effect-scratch.ts';

const scratch = new EffectScratch();

// The machine's events as shared constants: one object per kind, not one per step (issue 9).
const PAGE_INNER: PrgEvent = { type: 'prg.page', last: false };
const PAGE_LAST: PrgEvent = { type: 'prg.page', last: true };
const RESPONSE: Record<PrgOutcome, PrgEvent> = {
  success: { type: 'prg.response', outcome: 'success' },
  invalid: { type: 'prg.response', outcome: 'invalid' },
  failure: { type: 'prg.response', outcome: 'failure' },
};

export function raiseFault(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  const slot = s.slots[slotIdx]!;
  const space = s.spaces[slot.spaceIdx]!;
  const fn = s.fns[space.fnIdx]!;
  if (faultOnStopped(s, ctx, slotIdx)) return;
  if (slot.retried) {
    s.c.refaults++;
    ctx.mark('device.refault');
  }
  if (!priUsable(s, space.fnIdx)) {
    failAccess(s, ctx, slotIdx, priFailure(s, space.fnIdx));
    return;
  }
  slot.groupPages = drawGroupPages(s.cfg.workload.pagesPerGroup, ctx.rng);
  // FIFO: once someone waits, later faults queue behind it.
  const block = fn.waitQueue.length > 0 ? 'queued' : raiseBlockedBy(fn, groupPages(s, slotIdx));
  if (block !== null) {
    if (block === 'prgi') s.c.prgiWaits++;
    else s.c.creditWaits++;
    ctx.mark('device.credit-wait');
    slot.phase = 'waitingCredits';
    fn.waitQueue.push(slotIdx);
    return;
  }
  raiseGroup(s, ctx, slotIdx);
}

/** Pages of the slot's group (drawn when it faulted), clipped at the end of the address space. */
function groupPages(s: DeviceState, slotIdx: number): number {
  const slot = s.slots[slotIdx]!;
  return Math.min(slot.groupPages, s.cfg.pagesPerAsid - slot.page);
}

/** A group size: the fixed number (no draw), or a draw clipped to 1..groupPagesLimit. */
function drawGroupPages(d: number | Distribution, rng: Rng): number {
  if (typeof d === 'number') return d;
  return Math.max(1, Math.min(groupPagesLimit, sample(d, rng)));
}

function raiseGroup(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  const slot = s.slots[slotIdx]!;
  const sp = s.spaces[slot.spaceIdx]!;
  const fn = s.fns[sp.fnIdx]!;
  const pages = groupPages(s, slotIdx);
  if (fn.groupsRaised >= PRGI_COUNT) ctx.mark('device.prgi-reused');
  const g = insertGroup(fn, newPrgGroup(s, s.nextGhost, slot.spaceIdx, slot.page, pages, slot.write, ctx.now()));
  g.waiters.push(slotIdx);
  s.nextGhost = (s.nextGhost + 1) >>> 0 || 1;
  s.c.faults++;
  stamp(s.hops['dev.sent'], g.ghost, g.sentAtNs);
  ctx.check({
    type: 'chk.raise',
    ghost: g.ghost,
    rid: sp.cfg.rid,
    pasid: sp.cfg.pasid ?? 0,
    pasidPresent: sp.cfg.pasid !== null,
    prgi: g.prgi,
    requests: pages,
    incarnation: fn.groupsRaised - 1,
    firstPage: slot.page,
    pasidGen: sp.pasidGen,
  });
  ctx.check({ type: 'chk.queue', queue: checkQueue.priCredits, op: checkQueueOp.enqueue, ghost: g.ghost, count: pages, reason: checkReason.none });
  const effects = scratch.take();
  for (let i = 0; i < pages; i++) {
    const last = i === pages - 1;
    ctx.check({ type: 'chk.pageReq', ghost: g.ghost, index: i, last });
    sendOrQueue(s.outboxes, ctx, DEV_TO_IOMMU, {
      type: 'pci.pageReq',
      rid: sp.cfg.rid,
      pasidPresent: sp.cfg.pasid !== null,
      pasid: sp.cfg.pasid ?? 0,
      exe: false,
      priv: false,
      rd: !slot.write,
      wr: slot.write,
      last,
      prgi: g.prgi,
      addr: (slot.page + i) * 4096,
      ghost: g.ghost,
    });
    s.c.pageRequests++;
    prgExec.step(g.machine, last ? PAGE_LAST : PAGE_INNER, effects);
  }
  if (effects.length !== 0 || g.machine.value !== 'waitingResponse') {
    ctx.assert(false, 'FAULTLINE_DEVICE_PRG_LAST', `group ${g.ghost}: ${JSON.stringify(effects)} in ${g.machine.value}`);
  }
  scratch.give(effects);
  slot.phase = 'faulted';
  slot.ghost = g.ghost;
}

export function onPrgResp(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.prgResp'>): void {
  const fnIdx = s.fnByRid[msg.rid];
  if (fnIdx === undefined) {
    s.c.dropped.prgRespUnknownRid++;
    ctx.check({ type: 'chk.respDelivered', ghost: 0, rid: msg.rid, prgi: msg.prgi, code: msg.code });
    return;
  }
  const fn = s.fns[fnIdx]!;
  const g = msg.prgi < fn.groups.length ? (fn.groups[msg.prgi] ?? null) : null;
  const matched = g !== null && !(fn.cfg.prgResponsePasidRequired && !pasidMatches(s.spaces[g.spaceIdx]!.cfg.pasid, msg));
  ctx.check({ type: 'chk.respDelivered', ghost: matched ? g.ghost : 0, rid: msg.rid, prgi: msg.prgi, code: msg.code });
  if (g === null) {
    s.c.dropped.prgRespUnexpectedPrgi++;
    unexpected(s, ctx, fn);
    return;
  }
  if (!matched) {
    s.c.responsePasidMismatch++;
    s.c.dropped.prgRespPasidMismatch++;
    ctx.mark('device.response-pasid-mismatch');
    unexpected(s, ctx, fn);
    return;
  }
  const now = ctx.now();
  record(s.faultRttNs, now - g.sentAtNs);
  stamp(s.hops['dev.answered'], g.ghost, now);
  const effects = scratch.take();
  prgExec.step(g.machine, RESPONSE[outcomeOf(s, msg.code)], effects);
  if (!(g.machine.status === 'done')) ctx.assert(false, 'FAULTLINE_DEVICE_PRG_STATE', `group ${g.ghost} in ${g.machine.value} after a response`);
  removeGroup(fn, g.prgi);
  // Indexed loops here and in the effects below: their array iterators showed in the allocation profile (issue 9).
  for (let i = 0; i < effects.length; i++) applyGroupEffect(s, ctx, fn, g, effects[i]!);
  scratch.give(effects);
  freePrgGroup(s, g);
  drainWaitQueue(s, ctx, fnIdx);
  completeReset(s, ctx, fnIdx);
  checkPasidStopped(s, ctx, fnIdx);
}

/** "PRG Response PASID Required": the response carries the request's PASID, and only then. */
function pasidMatches(pasid: number | null, msg: MessageByType<'pci.prgResp'>): boolean {
  return pasid === null ? !msg.pasidPresent : msg.pasidPresent && msg.pasid === pasid;
}

function outcomeOf(s: DeviceState, code: number): PrgOutcome {
  if (code === prgCode.SUCCESS) {
    s.c.responses.success++;
    return 'success';
  }
  if (code === prgCode.INVALID) {
    s.c.responses.invalid++;
    return 'invalid';
  }
  if (code === prgCode.FAILURE) s.c.responses.failure++;
  else s.c.responses.reserved++;
  return 'failure';
}

function unexpected(s: DeviceState, ctx: ActorCtx, fn: FnState): void {
  s.c.unexpectedPrgi++;
  ctx.mark('device.uprgi');
  priEvent(s, ctx, fn.familyIdx, { type: 'pri.unexpectedPrgi' });
}

function applyGroupEffect(s: DeviceState, ctx: ActorCtx, fn: FnState, g: PrgGroup, e: Effect): void {
  switch (e.type) {
    case 'releaseCredits':
      fn.creditsUsed -= (e.params as { pages: number }).pages;
      ctx.check({ type: 'chk.queue', queue: checkQueue.priCredits, op: checkQueueOp.dequeue, ghost: g.ghost, count: (e.params as { pages: number }).pages, reason: checkReason.none });
      if (!(fn.creditsUsed >= 0)) ctx.assert(false, 'FAULTLINE_DEVICE_CREDITS', `credits used ${fn.creditsUsed} < 0`);
      return;
    case 'retryTranslations':
      retryGroup(s, ctx, g);
      return;
    case 'failAccesses':
      for (let i = 0; i < g.waiters.length; i++) failAccess(s, ctx, g.waiters[i]!, 'invalid');
      return;
    case 'priFailure':
      for (const slot of g.waiters) failAccess(s, ctx, slot, 'priFailed');
      ctx.mark('device.response-failure');
      priEvent(s, ctx, fn.familyIdx, { type: 'pri.responseFailure' });
      return;
    default:
      ctx.assert(false, 'FAULTLINE_DEVICE_EFFECT', `unknown prg effect '${e.type}'`);
  }
}

/** Success: the faulting access re-translates; the other pages are prefetched when there is an ATC to fill. */
function retryGroup(s: DeviceState, ctx: ActorCtx, g: PrgGroup): void {
  const waiters = g.waiters;
  for (let i = 0; i < waiters.length; i++) {
    const slotIdx = waiters[i]!;
    const slot = s.slots[slotIdx]!;
    if (!(slot.phase === 'faulted' && slot.ghost === g.ghost)) ctx.assert(false, 'FAULTLINE_DEVICE_SLOT', `slot ${slotIdx} not waiting on group ${g.ghost}`);
    s.c.retries++;
    slot.retried = true;
    translateFor(s, ctx, slotIdx);
  }
  if (s.fns[s.spaces[g.spaceIdx]!.fnIdx]!.atc.capacity === 0) return;
  for (let i = 1; i < g.pages; i++) {
    s.c.prefetchTranslations++;
    requestTranslation(s, ctx, -1, g.spaceIdx, g.firstPage + i, g.write);
  }
}

/** Credits came back: raise the waiting faults in order while credits and PRGIs last. */
function drainWaitQueue(s: DeviceState, ctx: ActorCtx, fnIdx: number): void {
  const fn = s.fns[fnIdx]!;
  while (fn.waitQueue.length > 0) {
    if (!priUsable(s, fnIdx)) return; // pri.ts already failed the queue when PRI went down or was disabled
    const slotIdx = fn.waitQueue[0]!;
    if (raiseBlockedBy(fn, groupPages(s, slotIdx)) !== null) return;
    fn.waitQueue.shift();
    raiseGroup(s, ctx, slotIdx);
  }
}
