// The IOMMU's command (invalidation) queue, executed in order: page group responses →
// `pci.prgResp`, IOTLB invalidations, device-TLB invalidations (one ATS ITag each, 32 per
// IOMMU), context PRE changes and invalidation waits. Three things stall the queue at its head:
// an IOTLB invalidation still executing (`iotlbInvLatencyNs`, iotlb-inv.ts; its timer restarts
// the queue), a device-TLB invalidation with no free ITag, and a wait while any ITag is still
// out (a wait completes only after every earlier command, device-TLB invalidations included,
// completed — modelled like a VT-d wait with fence). An ATC completion frees ITags and
// restarts the queue.
//
// Time-outs (§1.4: VT-d ITE, RISC-V do_ats_timer_expiry): an ATC invalidation not completed
// within `atcInvTimeoutNs` (0: never) frees its ITag, is counted, and the next wait to
// complete — the one covering it, since the queue runs in order — reports it with status
// WAIT_STATUS_ITE instead of 0. A completion arriving later finds its ITag free (or reused) and
// is counted as unexpected. The time-out is watched by one timer at a time (the actor cannot
// cancel timers): it is set when an invalidation goes out and none is set, and fires after
// min(time left to the oldest deadline, max(WATCH_MIN_NS, age of the oldest)), so a run's
// last stale tick lands at most a few round trips after its last completion, not a whole
// time-out later, while a device that never answers is still caught at its deadline.

import type { ActorCtx } from '../../src/actor/define.ts';
import { checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { decodePageGroupResponse } from '../../src/protocol/layouts.ts';
import type { Message, MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { executeIotlbInv, markIotlbInvDone } from './iotlb-inv.ts';
import { responseCarriesPasid, spaceKey, type IommuState } from './iommu-state.ts';

const PGRP_RESP_TYPE = 0x9;
/** PCIe Invalidate Completion CC: completions the function sends for the ITag, modulo 8 (0 means 8). */
const CC_MODULUS = 8;
/** cmd.waitDone status: 0 ok; ITE: an ATC invalidation the wait covers timed out (VT-d FSTS.ITE). */
export const WAIT_STATUS_ITE = 1;
/** Shortest period of the time-out watchdog. */
export const WATCH_MIN_NS = 10_000;

export function acceptCommand(s: IommuState, m: Message, ctx: ActorCtx): void {
  s.cmdQueue.push(m);
  ctx.check({ type: 'chk.queue', queue: checkQueue.cmdq, op: checkQueueOp.enqueue, ghost: 0, count: 1, reason: checkReason.none });
  runCommands(s, ctx);
}

/** Execute commands from the head until the queue is empty or stalls. */
export function runCommands(s: IommuState, ctx: ActorCtx): void {
  while (s.cmdQueue.length > 0) {
    if (!execute(s, s.cmdQueue[0]!, ctx)) return;
    s.cmdQueue.shift();
    ctx.check({ type: 'chk.queue', queue: checkQueue.cmdq, op: checkQueueOp.dequeue, ghost: 0, count: 1, reason: checkReason.none });
  }
}

/** Run one command; false when it must wait (the queue stalls). */
function execute(s: IommuState, m: Message, ctx: ActorCtx): boolean {
  switch (m.type) {
    case 'cmd.pgResp':
      forwardResponse(s, m, ctx);
      return true;
    case 'cmd.iotlbInv':
      return executeIotlbInv(s, m, ctx);
    case 'cmd.devtlbInv':
      return issueAtcInvalidation(s, m, ctx);
    case 'cmd.ctxPri':
      setPre(s, m, ctx);
      return true;
    // The host's function reset, forwarded after the responses queued before it.
    case 'cmd.devReset':
      sendOrQueue(s.outboxes, ctx, 'iommu->dev', { type: 'pci.reset', rid: m.rid, remove: m.remove });
      return true;
    case 'cmd.wait':
      return completeWait(s, m, ctx);
    // The host's PASID stop or rebind, forwarded after the commands queued before it.
    case 'cmd.pasidCtl':
      sendOrQueue(s.outboxes, ctx, 'iommu->dev', { type: 'pci.pasidCtl', rid: m.rid, pasid: m.pasid, op: m.op, stopMarker: m.stopMarker });
      return true;
    case 'cmd.pasidEntry':
      setPasidEntry(s, m);
      return true;
    default:
      return ctx.fail('FAULTLINE_IOMMU_COMMAND', `'${m.type}' is not a command`);
  }
}

/**
 * A PASID table entry changed (the host's DETACH / REPLACE / ATTACH): off the guest's stage 1, ATS
 * answers no access for the space (ats.ts). The caches are flushed by the commands the host queues
 * right behind this one (an IOTLB invalidation of the DID, a device-TLB one, a wait).
 */
function setPasidEntry(s: IommuState, m: MessageByType<'cmd.pasidEntry'>): void {
  const key = spaceKey(m.rid, m.pasidPresent ? m.pasid : null);
  if (m.nested) s.s1Off.delete(key);
  else s.s1Off.add(key);
  s.n.pasidEntryChanges++;
}

function setPre(s: IommuState, m: MessageByType<'cmd.ctxPri'>, ctx: ActorCtx): void {
  s.priEnabled[m.rid] = m.enable;
  if (m.enable) s.n.preEnables++;
  else s.n.preDisables++;
  sendOrQueue(s.outboxes, ctx, 'iommu->dev', { type: 'pci.priCtl', rid: m.rid, enable: m.enable });
}

function forwardResponse(s: IommuState, m: MessageByType<'cmd.pgResp'>, ctx: ActorCtx): void {
  const d = decodePageGroupResponse(m);
  if (d.type !== PGRP_RESP_TYPE) {
    s.n.badCommands++;
    ctx.mark('iommu.badCommand');
    return;
  }
  const withPasid = responseCarriesPasid(s, d.rid, d.pasidPresent);
  if (d.pasidPresent && !withPasid) s.n.responsesPasidStripped++;
  s.n.responsesForwarded++;
  sendOrQueue(s.outboxes, ctx, 'iommu->dev', {
    type: 'pci.prgResp',
    rid: d.rid,
    pasidPresent: withPasid,
    pasid: withPasid ? d.pasid : 0,
    prgi: d.prgi,
    code: d.code,
  });
}

function issueAtcInvalidation(s: IommuState, m: MessageByType<'cmd.devtlbInv'>, ctx: ActorCtx): boolean {
  const itag = s.itags.indexOf(null);
  if (itag < 0) {
    if (!s.stalledOnItag) {
      s.stalledOnItag = true;
      s.n.itagStalls++;
      ctx.mark('iommu.itagStall');
    }
    return false;
  }
  s.stalledOnItag = false;
  s.itags[itag] = { rid: m.rid, completions: 0, issuedAtNs: ctx.now() };
  s.n.devtlbInvalidations++;
  armWatch(s, ctx);
  sendOrQueue(s.outboxes, ctx, 'iommu->dev', {
    type: 'pci.atcInv',
    rid: m.rid,
    pasidPresent: m.pasidPresent,
    pasid: m.pasid,
    addr: m.addr,
    pages: m.pages,
    global: false,
    itag,
  });
  return true;
}

function completeWait(s: IommuState, m: MessageByType<'cmd.wait'>, ctx: ActorCtx): boolean {
  if (itagsInUse(s) > 0) return false;
  s.n.waitsDone++;
  const status = s.iteSinceWait > 0 ? WAIT_STATUS_ITE : 0;
  if (status !== 0) s.n.waitsWithIte++;
  s.iteSinceWait = 0;
  sendOrQueue(s.outboxes, ctx, 'iommu->host', { type: 'cmd.waitDone', tag: m.tag, status });
  return true;
}

function timeoutNs(s: IommuState): number {
  return s.cfg.atcInvTimeoutNs ?? 0;
}

/** Set the watchdog timer if a time-out applies, an ITag is out and no timer is set. */
function armWatch(s: IommuState, ctx: ActorCtx): void {
  const limit = timeoutNs(s);
  if (limit <= 0 || s.watchArmed) return;
  let oldest = Infinity;
  for (const t of s.itags) if (t !== null && t.issuedAtNs < oldest) oldest = t.issuedAtNs;
  if (oldest === Infinity) return;
  const now = ctx.now();
  const left = Math.max(0, oldest + limit - now);
  s.watchArmed = true;
  ctx.timer(Math.min(left, Math.max(WATCH_MIN_NS, now - oldest)), { type: 'iommu.atcInvWatch' });
}

/** The watchdog fired: time out every ATC invalidation past its deadline, then watch the rest. */
export function onAtcInvWatch(s: IommuState, ctx: ActorCtx): void {
  s.watchArmed = false;
  const limit = timeoutNs(s);
  if (limit <= 0) return;
  const now = ctx.now();
  let freed = false;
  for (let itag = 0; itag < s.itags.length; itag++) {
    const t = s.itags[itag];
    if (t === null || t === undefined || now - t.issuedAtNs < limit) continue;
    s.itags[itag] = null;
    s.n.atcInvTimeouts++;
    s.iteSinceWait++;
    ctx.mark('iommu.atcInvTimeout');
    freed = true;
  }
  armWatch(s, ctx);
  if (freed) runCommands(s, ctx);
}

/** The IOTLB invalidation at the head has taken its time: apply it and run the queue on. */
export function onIotlbInvTimeUp(s: IommuState, ctx: ActorCtx): void {
  markIotlbInvDone(s, ctx);
  runCommands(s, ctx);
}

/** Every ITag in the vector counts one completion; it is free once CC completions arrived. */
export function onAtcCompletion(s: IommuState, m: MessageByType<'pci.atcInvCpl'>, ctx: ActorCtx): void {
  const expected = m.cc % CC_MODULUS === 0 ? CC_MODULUS : m.cc % CC_MODULUS;
  for (let itag = 0; itag < s.itags.length; itag++) {
    if (((m.itagVector >>> itag) & 1) === 0) continue;
    const slot = s.itags[itag];
    if (slot === null || slot === undefined || slot.rid !== m.rid) {
      s.n.unexpectedAtcCompletions++;
      ctx.mark('iommu.unexpectedAtcCompletion');
      continue;
    }
    slot.completions++;
    if (slot.completions >= expected) {
      s.itags[itag] = null;
      s.n.devtlbCompleted++;
    }
  }
  if (m.itagVector >>> s.itags.length !== 0 && s.itags.length < 32) s.n.unexpectedAtcCompletions++;
  runCommands(s, ctx);
}

export function itagsInUse(s: IommuState): number {
  let n = 0;
  for (const t of s.itags) if (t !== null) n++;
  return n;
}
