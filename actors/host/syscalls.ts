// Dispatch of one ufd.call to its ioctl or file operation, the reply on 'host->vmm' (read
// records first, then ufd.ret with the same seq), level-triggered poll readiness after a
// read, and per-op / per-errno syscall counters.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { IopfCoreEnv } from '../../src/iopf/core.ts';
import { errno, ufdOp } from '../../src/protocol/iommufd.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import type { HostState } from './host-state.ts';
import type { StagedWriteRec, UfdState } from './ufd-objects.ts';
import type { StagedBySeq } from './staged-by-seq.ts';
import { clearKeepingStore } from '../effect-scratch.ts';
import { pollin, TO_VMM } from './prq-thread.ts';
import { hwptInvalidate } from './invalidate.ts';
import { entryAttached, entryBefore, flushEntryChange } from './pasid-entry.ts';
import { EBADF, faultClose, faultRead, faultWrite, type RecordMessage } from './ufd-fops.ts';
import { attach, destroy, detach, err, faultQueueAlloc, hwptAlloc, replace, type SyscallResult } from './ufd-ioctl.ts';
import { append } from '../../src/util/append.ts';

/** A WRITE with nothing staged: write() reads no record (copy_from_user faults). */
const NO_RECS: readonly StagedWriteRec[] = Object.freeze([]);

const opNames: Record<number, string> = Object.fromEntries(Object.entries(ufdOp).map(([k, v]) => [v, k]));
const errnoNames: Record<number, string> = { ...Object.fromEntries(Object.entries(errno).map(([k, v]) => [v, k])), [EBADF]: 'EBADF' };

export function ufdCall(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, m: MessageByType<'ufd.call'>): void {
  dropStaleStaged(s, m.seq);
  let r: SyscallResult;
  switch (m.op) {
    case ufdOp.FAULT_QUEUE_ALLOC:
      r = faultQueueAlloc(s, m.a0);
      break;
    case ufdOp.HWPT_ALLOC:
      r = hwptAlloc(s, m.a0, m.a1, m.a2, m.a3);
      break;
    case ufdOp.ATTACH:
      r = attach(s, ctx, m.a0, m.a1, m.a2);
      if (r.ret === 0) entryAttached(s, ctx, m.a0, m.a2, m.a1);
      break;
    case ufdOp.REPLACE:
    case ufdOp.DETACH: {
      // As iommufd: the domain change (with its cache flush, pasid-entry.ts) comes before the
      // auto-responses; the call returns once the flush's wait completed.
      const before = entryBefore(s, m.a0, m.op === ufdOp.REPLACE ? m.a2 : m.a1);
      const tag = flushEntryChange(s, ctx, before, m.op === ufdOp.REPLACE ? m.a1 : undefined);
      r = m.op === ufdOp.REPLACE ? replace(s, ctx, env, m.a0, m.a1, m.a2) : detach(s, ctx, env, m.a0, m.a1);
      if (tag !== null) {
        s.inv.calls.set(tag, { seq: m.seq, op: m.op, handled: r.out0, rc: r.ret });
        return;
      }
      break;
    }
    case ufdOp.DESTROY:
      r = destroy(s, ctx, env, m.a0);
      break;
    case ufdOp.READ:
      r = read(s, ctx, env, m);
      break;
    case ufdOp.WRITE: {
      const recs = s.ufd.writeRecs.get(m.seq);
      if (recs === undefined) {
        r = faultWrite(s, ctx, env, m.a0, m.a1, NO_RECS);
        break;
      }
      s.ufd.writeRecs.delete(m.seq);
      r = faultWrite(s, ctx, env, m.a0, m.a1, recs);
      releaseStaged(s.ufd.stagedFree, recs);
      break;
    }
    case ufdOp.CLOSE:
      r = faultClose(s, m.a0);
      break;
    case ufdOp.HWPT_INVALIDATE: {
      // null: the call returns when its invalidation wait completes (invalidate.ts, replySyscall).
      const now = hwptInvalidate(s, ctx, m);
      if (now === null) return;
      r = now;
      break;
    }
    default:
      r = err(errno.EOPNOTSUPP);
  }
  replySyscall(s, ctx, m.seq, m.op, r);
}

/** Count a syscall's result and send its ufd.ret. */
export function replySyscall(s: HostState, ctx: ActorCtx, seq: number, op: number, r: SyscallResult): void {
  count(s, op, r.ret);
  sendOrQueue(s.outboxes, ctx, TO_VMM, { type: 'ufd.ret', seq, ret: r.ret, out0: r.out0, out1: r.out1 });
}

/** A read's record messages between faultRead and their sends, reused (the messages are new; the runtime keeps those, not this list). */
const readRecords: RecordMessage[] = [];

function read(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, m: MessageByType<'ufd.call'>): SyscallResult {
  // Emptied before (a step that threw may have left records) and after (the messages are not kept alive by it).
  const records = readRecords;
  clearKeepingStore(records);
  const r = faultRead(s, ctx, env, m.a0, m.a1, m.seq, records);
  for (let i = 0; i < records.length; i++) sendOrQueue(s.outboxes, ctx, TO_VMM, records[i]!);
  clearKeepingStore(records);
  // Level-triggered poll: groups left behind keep the fd readable.
  const fault = s.ufd.faults[s.ufd.fds[m.a0] ?? -1];
  if (r.ret > 0 && fault !== undefined && fault.deliver.length > 0) pollin(s, ctx, fault.fd);
  return r;
}

function count(s: HostState, op: number, ret: number): void {
  const name = opNames[op] ?? `op${op}`;
  const c = (s.stats.syscalls[name] ??= { calls: 0, ok: 0, errno: {} });
  c.calls++;
  if (ret >= 0) c.ok++;
  else {
    const e = errnoNames[-ret] ?? `E${-ret}`;
    c.errno[e] = (c.errno[e] ?? 0) + 1;
  }
}

/**
 * Records staged for an earlier syscall (ufd.writeRec, ufd.invEntry with a lower seq) that never
 * became its WRITE / HWPT_INVALIDATE: the VMM's calls go one at a time in seq order, so no call will
 * ever read them. As with the kernel's write() (iommufd_fault_fops_write copies only `count` bytes of
 * the buffer during the call), user memory no call read is not looked at: dropped and counted with
 * the records a write() did not read (writeRecsIgnored) and the ignored entries (inv entriesIgnored).
 */
function dropStaleStaged(s: HostState, seq: number): void {
  s.stats.writeRecsIgnored += dropStagedBefore(s.ufd.writeRecs, seq);
  s.inv.n.entriesIgnored += dropStagedBefore(s.inv.entries, seq);
}

/** Drops the lists staged for calls before `seq`; returns how many items they held. */
function dropStagedBefore(staged: StagedBySeq<unknown>, seq: number): number {
  // Usually nothing is staged but this call's own records: no walk then (a for-in over seq-keyed objects collected their keys per call; issue 9).
  if (staged.size === 0 || (staged.size === 1 && staged.has(seq))) return 0;
  let dropped = 0;
  for (const [k, items] of staged) {
    if (k >= seq) continue;
    dropped += items.length;
    staged.delete(k);
  }
  return dropped;
}

export function bufferWriteRec(s: HostState, m: MessageByType<'ufd.writeRec'>): void {
  const free = s.ufd.stagedFree;
  let rec = free.recs.pop();
  if (rec === undefined) rec = { cookie: m.cookie, code: m.code };
  else {
    rec.cookie = m.cookie;
    rec.code = m.code;
  }
  const staged = s.ufd.writeRecs.get(m.seq);
  if (staged !== undefined) staged.push(rec);
  else {
    const list = free.lists.pop() ?? [];
    list.push(rec);
    s.ufd.writeRecs.set(m.seq, list);
  }
}

/** A WRITE read its staged records (write() keeps none): they and their list serve the next ones. */
function releaseStaged(free: UfdState['stagedFree'], recs: StagedWriteRec[]): void {
  while (recs.length > 0) append(free.recs, recs.pop()!);
  append(free.lists, recs);
}
