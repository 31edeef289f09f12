// Guest page group responses → iommufd write()s. The guest names a group by (vRID, vPASID,
// PRGI); the VMM maps that back to (dev_id, PASID) and answers the oldest remembered group
// with that PRGI — or, with the vmm-prgi-only-match bug toggle (QEMU's behaviour, R20), every
// remembered group with that PRGI. The code mapping (Failure → guestFailureMapsTo) lives in
// the forwarded-fault machine. The pairs are forgotten when the write is queued, as QEMU does.
//
// Batching: syscalls run one at a time (syscalls.ts), so responses that come while a call is
// in flight are appended to the WRITE still waiting in the call queue, and go out together as
// one write() of n 8-byte records when it is issued — at most WRITE_BATCH_MAX records per
// write, further ones start a new WRITE. A write's result is handled as the host's write()
// returns it (iommufd/eventq.c): it stops at the first record it refuses (bad code or unknown
// cookie) and returns the bytes consumed before it, or -EINVAL when that is the first record.
// The VMM's buffers are always whole and its codes always 0/1, so a short count means the
// record right after the consumed ones was refused (a stale cookie): it is counted as rejected
// and the records after it, which the host never looked at, are written again. Any other
// error (EBADF: the fd is gone) loses the whole batch, counted.

import { checkLayer } from '../../src/protocol/check-events.ts';
import type { ActorCtx } from '../../src/actor/define.ts';
import { errno, pageResponseBytes, ufdOp } from '../../src/protocol/iommufd.ts';
import { prgCode } from '../../src/protocol/iopf.ts';
import { decodePageGroupResponse } from '../../src/protocol/layouts.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { collectWrites, forwardedFault, type ResponseRecord } from './forwarded-faults.ts';
import type { ForwardedFaultEvent } from '../../machines/forwarded-fault.machine.ts';
import { queueCall } from './syscalls.ts';
import { freeResponseRecord } from './records.ts';
import { faultsOfGroup, forgetOldestOf } from './remembered-faults.ts';
import { spaceOfGuest, type Syscall, type VmmState } from './vmm-state.ts';
import { clearKeepingStore, EffectScratch } from '../effect-scratch.ts';

const scratch = new EffectScratch();

const PGRP_RESP_TYPE = 0x9;
/** enum iommu_page_response_code FAILURE, which iommufd's write() does not accept (bug vmm-failure-passthrough writes it). */
export const IOMMU_PAGE_RESP_FAILURE = 2;

/**
 * Records per write() at most (2 KiB of struct iommu_hwpt_page_response): bounds the buffer a
 * VMM would keep and the work one syscall does in the host, while still covering a whole read
 * batch (readBatchRecords, QEMU: 100) answered at once.
 */
export const WRITE_BATCH_MAX = 256;

const NO_MATCH: readonly never[] = [];

/** The guest-response event per PCIe code (4 bits), shared: the machine reads only its code (issue 9: one object per response). */
const GUEST_RESPONSE: readonly ForwardedFaultEvent[] = Array.from({ length: 16 }, (_, code) => Object.freeze({ type: 'fault.guestResponse', code }));

/** One guest response's records, reused: queueWrite copies what a new WRITE keeps (most responses join a WRITE already queued). */
const responseWrites: ResponseRecord[] = [];

export function onGuestResponse(s: VmmState, m: MessageByType<'vcmd.pgResp'>, ctx: ActorCtx): void {
  const d = decodePageGroupResponse(m);
  if (d.type !== PGRP_RESP_TYPE) {
    s.n.guestBadCommands++;
    return;
  }
  s.n.guestResponses++;
  if (d.code === prgCode.FAILURE) {
    s.n.guestFailures++;
    ctx.mark('vmm.guest-failure');
  }
  const space = spaceOfGuest(s, d.rid, d.pasidPresent ? d.pasid : null);
  const matches = space === undefined ? NO_MATCH : faultsOfGroup(s, space.devId, space.pasid, d.prgi);
  if (space === undefined || matches.length === 0) {
    s.n.unmatchedGuestResponses++;
    ctx.mark('vmm.unmatchedGuestResponse');
    return;
  }
  if (matches.length > 1) ctx.mark('vmm.prgiAmbiguous');
  // The oldest one, or every one with vmm-prgi-only-match; `matches` is the index's list, forgotten after.
  const answered = s.prgiOnlyMatch ? matches.length : 1;
  // Emptied before (a step that threw may have left records) and after use.
  const writes = responseWrites;
  clearKeepingStore(writes);
  const event = GUEST_RESPONSE[d.code]!;
  for (let k = 0; k < answered; k++) {
    const f = matches[k]!;
    const effects = scratch.take();
    forwardedFault.step(f.m, event, effects);
    const before = writes.length;
    collectWrites(s, effects, writes, f.ghost, f.fd, f.asid);
    scratch.give(effects);
    for (let i = before; i < writes.length; i++) {
      ctx.check({ type: 'chk.respond', layer: checkLayer.vmm, ghost: f.ghost, code: writes[i]!.code, rid: 0, prgi: f.prgi, auto: false });
    }
  }
  s.n.pairsAnswered += answered;
  forgetOldestOf(s, matches, answered);
  queueWrite(s, writes, ctx, false);
  clearKeepingStore(writes);
}

/**
 * Hand new response records to write(): appended to the WRITE waiting in the queue, or a new one,
 * which keeps `records` itself when `handedOver` (the caller's fresh array), else a copy.
 */
export function queueWrite(s: VmmState, records: ResponseRecord[], ctx: ActorCtx, handedOver = true): void {
  ctx.assert(records.length > 0, 'FAULTLINE_VMM_EMPTY_WRITE', 'a write needs at least one response');
  s.n.writeRecords += records.length;
  appendRecords(s, records, ctx, handedOver);
}

function appendRecords(s: VmmState, records: ResponseRecord[], ctx: ActorCtx, handedOver: boolean): void {
  // Records go to the fault fd their cookie came from, one WRITE per fd; usually all to one.
  if (allOnFirstFd(records)) {
    appendRecordsOf(s, records[0]!.fd, records, ctx, handedOver);
    return;
  }
  const fds: number[] = [];
  for (const r of records) if (!fds.includes(r.fd)) fds.push(r.fd);
  for (const fd of fds) appendRecordsOf(s, fd, fds.length === 1 ? records : records.filter((r) => r.fd === fd), ctx, fds.length !== 1 || handedOver);
}

function appendRecordsOf(s: VmmState, fd: number, records: ResponseRecord[], ctx: ActorCtx, handedOver: boolean): void {
  let i = 0;
  const open = openWrite(s, fd);
  if (open !== undefined) {
    const recs = (open.purpose as { records: ResponseRecord[] }).records;
    while (i < records.length && recs.length < WRITE_BATCH_MAX) recs.push(records[i++]!);
    open.a1 = recs.length * pageResponseBytes;
    s.n.writeRecordsBatched += i;
  }
  while (i < records.length) {
    // The caller's fresh array is the WRITE's when it fits whole (no copy per write; issue 9).
    const chunk = handedOver && i === 0 && records.length <= WRITE_BATCH_MAX ? records : records.slice(i, i + WRITE_BATCH_MAX);
    i += chunk.length;
    s.n.writes++;
    queueCall(s, ctx, ufdOp.WRITE, [fd, chunk.length * pageResponseBytes, 0, 0], { kind: 'write', records: chunk });
  }
}

/** Whether every record goes to the first one's fd: a loop, not every() with a callback (once per guest response; issue 9). */
function allOnFirstFd(records: readonly ResponseRecord[]): boolean {
  const fd = records[0]!.fd;
  for (let i = 1; i < records.length; i++) if (records[i]!.fd !== fd) return false;
  return true;
}

/** The last WRITE on `fd` still waiting in the call queue (not issued yet) when it has room. */
function openWrite(s: VmmState, fd: number): Syscall | undefined {
  for (let i = s.callQueue.length - 1; i >= 0; i--) {
    const call = s.callQueue[i]!;
    if (call.purpose.kind !== 'write' || call.a0 !== fd) continue;
    return call.purpose.records.length < WRITE_BATCH_MAX ? call : undefined;
  }
  return undefined;
}

export function onWriteResult(s: VmmState, call: Syscall, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): void {
  const records = call.purpose.kind === 'write' ? call.purpose.records : [];
  let consumed = 0;
  let refused = -1;
  if (m.ret >= 0) {
    consumed = Math.min(records.length, Math.floor(m.ret / pageResponseBytes));
    if (consumed < records.length) {
      s.n.writeShort++;
      ctx.mark('vmm.writeShort');
      refused = consumed;
    }
  } else {
    s.n.writeErrors++;
    ctx.mark('vmm.writeError');
    if (m.ret === -errno.EINVAL) refused = 0;
    else s.n.writeRecordsLost += records.length;
  }
  s.n.writeRecordsConsumed += consumed;
  if (refused < 0) {
    for (let i = 0; i < records.length; i++) freeResponseRecord(s, records[i]!);
    return;
  }
  s.n.writeRecordsRejected++;
  ctx.mark('vmm.writeRecordRejected');
  if (records[refused]?.code === IOMMU_PAGE_RESP_FAILURE) {
    // vmm-failure-passthrough: the host refused the Failure code; the pair is forgotten, the group stays pending (R20).
    s.reconf.n.failureCodesRejected++;
    ctx.mark('vmm.failure-code-rejected');
  }
  const rest = records.slice(refused + 1);
  for (let i = 0; i <= refused; i++) freeResponseRecord(s, records[i]!);
  if (rest.length === 0) return;
  s.n.writeRecordsResent += rest.length;
  ctx.mark('vmm.writeRemainderResent');
  appendRecords(s, rest, ctx, true);
}
