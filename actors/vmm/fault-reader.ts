// Reading the fault fd and injecting into the virtual PRQ (QEMU intel_iommu_accel, ref §5.3).
// A pollin starts a read of `readBatchRecords` records. QEMU's fd handler is level-triggered:
// it runs again while the fd stays readable. The host's pollin is an edge (deliver list
// empty → non-empty), and read() returns whole groups only, so a read can come back short
// with groups left behind. The VMM therefore reads again after every read that returned
// records and waits for the next pollin only after an empty one (a pollin during a read
// also asks for one more read, so no wake-up is lost). Each record is mapped
// dev_id → vRID and PASID → vPASID and becomes a vPRQ descriptor, which carries the record's
// simulator-only ghost id (the group's, so the guest sees the ids the device generated). A
// LAST record starts a forwarded-fault machine holding its cookie; a full vPRQ that drops it
// either answers the host at once (default) or, with vprq-drop-leaks-cookie, keeps the cookie
// (R20). The vPRQ is produced through the shared producer glue (src/queues/prq-producer-glue.ts).

import type { ActorCtx } from '../../src/actor/define.ts';
import type { ForwardedFaultEvent, ForwardedFaultInput } from '../../machines/forwarded-fault.machine.ts';
import { pageRespCode, pgfaultBytes, pgfaultFlag, pgfaultPerm, ufdOp } from '../../src/protocol/iommufd.ts';
import { decodePgfaultInto, type PageRequestFields, type PgfaultRecord } from '../../src/protocol/layouts.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { prqDescMessage, producePageRequest, type PrqProducerSide } from '../../src/queues/prq-producer-glue.ts';
import { checkLayer, checkQueue, checkReason } from '../../src/protocol/check-events.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import { collectWrites, forwardedFault, type ResponseRecord } from './forwarded-faults.ts';
import { releaseFault, rememberFault, takeFault } from './remembered-faults.ts';
import { queueCall } from './syscalls.ts';
import { freeReadRecords, newReadRecord, newResponseRecord } from './records.ts';
import { spaceOfHost, type Syscall, type VmmState } from './vmm-state.ts';
import { IOMMU_PAGE_RESP_FAILURE, queueWrite } from './write-responses.ts';
import { EffectScratch } from '../effect-scratch.ts';

const scratch = new EffectScratch();
const INJECTED: ForwardedFaultEvent = { type: 'fault.inject', queued: true };
const DROPPED: ForwardedFaultEvent = { type: 'fault.inject', queued: false };
const OVERFLOW_ANSWER: ForwardedFaultEvent = { type: 'fault.overflowAnswer' };
/** A descriptor's fields, refilled per record: prqDescMessage only encodes them into its message. */
const descFields: PageRequestFields = { rid: 0, pasidPresent: false, pasid: 0, exe: false, priv: false, rd: false, wr: false, last: false, prgi: 0, addr: 0 };
/** The machine's input, refilled per group: its context copies the fields (issue 9: one object per group read). */
const faultInput: ForwardedFaultInput = { cookie: 0, devId: 0, pasid: null, prgi: 0, overflowCode: 0, failureCode: 0, leakOnDrop: false };

/** The VMM side of the shared producer glue: the virtual PRQ towards the guest, vmmio.* registers. */
export const vmmPrqSide: PrqProducerSide = {
  queue: checkQueue.vprq,
  channel: 'vmm->guest',
  desc: 'vprq.desc',
  irq: 'vprq.irq',
  readResult: 'vmmio.readResult',
  marks: { full: 'vmm.vprqFull', overflow: 'vmm.vprqDropWhileOverflow', badRegisterWrite: 'vmm.badRegisterWrite' },
};

export function onPollin(s: VmmState, m: MessageByType<'ufd.pollin'>, ctx: ActorCtx): void {
  const fdOpen = s.setup !== 'idle' && s.setup !== 'failed' && s.setupStep > 0;
  if (!fdOpen || !s.faultFds.includes(m.fd)) {
    s.n.pollinUnknownFd++;
    ctx.mark('vmm.pollinUnknownFd');
    return;
  }
  if (readOwed(s, m.fd)) {
    if (!s.rereadFds.includes(m.fd)) s.rereadFds.push(m.fd);
    return;
  }
  startRead(s, ctx, m.fd);
}

function readOwed(s: VmmState, fd: number): boolean {
  // A loop, not `some` with a closure over fd: one pollin each read (issue 9).
  if (isReadOf(s.inFlight, fd)) return true;
  const q = s.callQueue;
  for (let i = 0; i < q.length; i++) if (isReadOf(q[i]!, fd)) return true;
  return false;
}

function isReadOf(c: Syscall | null, fd: number): boolean {
  return c !== null && c.purpose.kind === 'read' && c.purpose.fd === fd;
}

function startRead(s: VmmState, ctx: ActorCtx, fd: number): void {
  s.n.reads++;
  queueCall(s, ctx, ufdOp.READ, [fd, s.cfg.readBatchRecords * pgfaultBytes, 0, 0], { kind: 'read', fd });
}

export function onRecord(s: VmmState, m: MessageByType<'ufd.record'>, ctx: ActorCtx): void {
  const call = s.inFlight;
  if (call === null || call.seq !== m.seq || call.purpose.kind !== 'read') {
    s.n.unexpectedRecords++;
    ctx.mark('vmm.unexpectedRecord');
    return;
  }
  // Decoded once, into the record kept until the read returns (issue 9: no copy of the words, then a decoded copy).
  call.records.push(decodePgfaultInto(m, newReadRecord(s, m.ghost)));
}

export function onReadResult(s: VmmState, call: Syscall, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): void {
  const full = m.ret > 0 && m.ret / pgfaultBytes >= s.cfg.readBatchRecords;
  if (m.ret === 0) s.n.emptyReads++;
  if (m.ret >= 0 && m.ret !== call.records.length * pgfaultBytes) {
    s.n.readLengthMismatches++;
    ctx.mark('vmm.readLengthMismatch');
  }
  const fd = call.purpose.kind === 'read' ? call.purpose.fd : s.faultFd;
  const writes: ResponseRecord[] = [];
  const records = call.records;
  for (let i = 0; i < records.length; i++) inject(s, records[i]!, records[i]!.ghost, fd, writes, ctx);
  freeReadRecords(s, call.records);
  if (writes.length > 0) queueWrite(s, writes, ctx);
  if (full) s.n.readsFullBatch++;
  // A fd closed meanwhile (a teardown) is not read again.
  if (!s.faultFds.includes(fd)) return;
  const i = s.rereadFds.indexOf(fd);
  if (m.ret > 0 || i >= 0) {
    if (i >= 0) s.rereadFds.splice(i, 1);
    startRead(s, ctx, fd);
  }
}

function inject(s: VmmState, r: PgfaultRecord, ghost: number, fd: number, writes: ResponseRecord[], ctx: ActorCtx): void {
  s.n.recordsRead++;
  const last = (r.flags & pgfaultFlag.LAST_PAGE) !== 0;
  if (last) stamp(s.hops['vmm.read'], ghost, ctx.now());
  const pasid = (r.flags & pgfaultFlag.PASID_VALID) !== 0 ? r.pasid : null;
  const space = spaceOfHost(s, r.devId, pasid);
  if (space === undefined) {
    // No guest device to inject into: answer the group Invalid rather than leave it pending.
    s.n.unmappedRecords++;
    ctx.mark('vmm.unmappedRecord');
    if (last) {
      ctx.check({ type: 'chk.respond', layer: checkLayer.vmm, ghost, code: pageRespCode.INVALID, rid: 0, prgi: r.grpid, auto: true });
      writes.push(newResponseRecord(s, r.cookie, pageRespCode.INVALID, ghost, fd, -1));
    } else {
      ctx.check({ type: 'chk.retire', layer: checkLayer.vmm, ghost, reason: checkReason.unmapped, requests: 1 });
    }
    return;
  }
  const f = descFields;
  f.rid = space.vrid;
  f.pasidPresent = space.vpasid !== null;
  f.pasid = space.vpasid ?? 0;
  f.exe = (r.perm & pgfaultPerm.EXEC) !== 0;
  f.priv = (r.perm & pgfaultPerm.PRIV) !== 0;
  f.rd = (r.perm & pgfaultPerm.READ) !== 0;
  f.wr = (r.perm & pgfaultPerm.WRITE) !== 0;
  f.last = last;
  f.prgi = r.grpid;
  f.addr = r.addr;
  const d = prqDescMessage(vmmPrqSide, f, ghost);
  // The VMM's own auto-response decision lives in the machine; the producer only says "dropped".
  const res = producePageRequest(s.vprq, vmmPrqSide, s.outboxes, ctx, d, 'none');
  if (res.kind === 'queued') {
    s.n.descsInjected++;
    if (last) s.n.groupsInjected++;
  } else if (res.reason === 'full') s.n.vprqDropFull++;
  else s.n.vprqDropOverflow++;
  if (res.raiseIrq) s.n.vprqIrqs++;
  if (last) rememberGroup(s, r, ghost, pasid, fd, space.asid, res.kind === 'queued', writes, ctx);
}

function rememberGroup(s: VmmState, r: PgfaultRecord, ghost: number, pasid: number | null, fd: number, asid: number, queued: boolean, writes: ResponseRecord[], ctx: ActorCtx): void {
  const input = faultInput;
  input.cookie = r.cookie;
  input.devId = r.devId;
  input.pasid = pasid;
  input.prgi = r.grpid;
  input.overflowCode = s.cfg.vprqOverflowResponse === 'success' ? pageRespCode.SUCCESS : pageRespCode.INVALID;
  input.failureCode = s.reconf.failurePassthrough ? IOMMU_PAGE_RESP_FAILURE : s.cfg.guestFailureMapsTo === 'success' ? pageRespCode.SUCCESS : pageRespCode.INVALID;
  input.leakOnDrop = s.leakOnDrop;
  const f = takeFault(s, input);
  const m = f.m;
  const effects = scratch.take();
  forwardedFault.step(m, queued ? INJECTED : DROPPED, effects);
  if (!queued) forwardedFault.step(m, OVERFLOW_ANSWER, effects);
  const before = writes.length;
  collectWrites(s, effects, writes, ghost, fd, asid);
  scratch.give(effects);
  for (let i = before; i < writes.length; i++) {
    ctx.check({ type: 'chk.respond', layer: checkLayer.vmm, ghost, code: writes[i]!.code, rid: 0, prgi: r.grpid, auto: true });
  }
  if (m.status === 'done') {
    s.n.autoAnswers++;
    releaseFault(s, f);
    return;
  }
  if (!queued) {
    s.n.leakedCookies++;
    ctx.mark('vmm.vprqDropLeaksCookie');
  }
  // Only a group answered behind the VMM's back (a reset, a teardown) frees a PRGI it still remembers.
  if (rememberFault(s, f, r.devId, pasid, r.grpid, r.cookie, ghost, fd, asid) > 0) ctx.mark('vmm.prgi-remembered-twice');
}
