// The VMM's iommufd syscalls, one at a time: QEMU issues them synchronously under its big
// lock, so a call is sent only after the previous one returned. A write's 8-byte records
// (`ufd.writeRec`) go out immediately before its `ufd.call`, on the same channel; a queued
// write may still gain records until it is issued (write-responses.ts batches them). Results are
// matched by seq and routed by the call's purpose; every result is counted by op, and every
// error by op and errno — an error is a value here, never a throw.

import type { ActorCtx } from '../../src/actor/define.ts';
import { errno, ufdOp } from '../../src/protocol/iommufd.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import type { CallPurpose, Syscall, VmmState } from './vmm-state.ts';

const opNames: Record<number, string> = Object.fromEntries(Object.entries(ufdOp).map(([k, v]) => [v, k]));
const errnoNames: Record<number, string> = Object.fromEntries(Object.entries(errno).map(([k, v]) => [v, k]));

export function opName(op: number): string {
  return opNames[op] ?? `op${op}`;
}

export function errnoName(ret: number): string {
  return errnoNames[-ret] ?? `errno${-ret}`;
}

/** The records of a call that is not a READ: none ever arrive (onRecord refuses them), so one frozen array serves every such call. */
const NOT_A_READ: Syscall['records'] = Object.freeze([]) as unknown as Syscall['records'];

/** Queue a call (at the head with `first`: it goes next, ahead of calls already waiting) and issue it if the line is free. */
export function queueCall(s: VmmState, ctx: ActorCtx, op: number, args: [number, number, number, number], purpose: CallPurpose, first = false): void {
  const call: Syscall = { seq: 0, op, a0: args[0], a1: args[1], a2: args[2], a3: args[3], purpose, records: purpose.kind === 'read' ? [] : NOT_A_READ };
  if (first) s.callQueue.unshift(call);
  else s.callQueue.push(call);
  issueNext(s, ctx);
}

function issueNext(s: VmmState, ctx: ActorCtx): void {
  if (s.inFlight !== null) return;
  const call = s.callQueue.shift();
  if (call === undefined) return;
  call.seq = s.nextSeq;
  s.nextSeq = (s.nextSeq + 1) >>> 0 || 1;
  s.inFlight = call;
  const name = opName(call.op);
  s.syscallsByOp[name] = (s.syscallsByOp[name] ?? 0) + 1;
  if (call.purpose.kind === 'write') {
    if (call.purpose.records.length > s.n.writeBatchMax) s.n.writeBatchMax = call.purpose.records.length;
    const records = call.purpose.records;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      sendOrQueue(s.outboxes, ctx, 'vmm->host', { type: 'ufd.writeRec', seq: call.seq, cookie: r.cookie, code: r.code });
    }
  } else if (call.purpose.kind === 'invalidate') {
    // The VTD_S1 entries of an IOMMU_HWPT_INVALIDATE, ahead of the call (a1 = their count).
    call.a1 = call.purpose.entries.length;
    for (const e of call.purpose.entries) {
      sendOrQueue(s.outboxes, ctx, 'vmm->host', {
        type: 'ufd.invEntry',
        seq: call.seq,
        addrLo: e.addr >>> 0,
        addrHi: Math.floor(e.addr / 0x100000000) >>> 0,
        npages: e.npages,
        flags: e.flags,
      });
    }
  }
  sendOrQueue(s.outboxes, ctx, 'vmm->host', { type: 'ufd.call', seq: call.seq, op: call.op, a0: call.a0, a1: call.a1, a2: call.a2, a3: call.a3 });
  if (call.purpose.kind === 'write') {
    const now = ctx.now();
    const records = call.purpose.records;
    for (let i = 0; i < records.length; i++) stamp(s.hops['vmm.written'], records[i]!.ghost, now);
  }
}

/** Take the finished call off the line (the caller routes the result), counting errors. */
export function completeCall(s: VmmState, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): Syscall {
  const call = s.inFlight;
  if (call === null || call.seq !== m.seq) ctx.fail('FAULTLINE_VMM_SYSCALL_SEQ', `ufd.ret seq ${m.seq} while ${call === null ? 'no call' : `call ${call.seq}`} is in flight`);
  s.inFlight = null;
  if (m.ret < 0) {
    const name = opName(call.op);
    s.syscallErrorsByOp[name] = (s.syscallErrorsByOp[name] ?? 0) + 1;
    const e = errnoName(m.ret);
    s.errnos[e] = (s.errnos[e] ?? 0) + 1;
  }
  return call;
}

/** After routing a result: start the next queued call. */
export function resumeCalls(s: VmmState, ctx: ActorCtx): void {
  issueNext(s, ctx);
}

export function callsOwed(s: VmmState): number {
  return s.callQueue.length + (s.inFlight === null ? 0 : 1);
}
