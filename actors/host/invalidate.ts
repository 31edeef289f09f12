// IOMMU_HWPT_INVALIDATE on a nested hwpt (reference §6, intel_nested_cache_invalidate_user):
// each IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 entry {addr, npages, flags} (ufd.invEntry, sent
// ahead of the call with its seq) becomes, for every (device, PASID or RID) attached to the
// hwpt, a PASID-IOTLB invalidation (cmd.iotlbInv, DID = the address space) and then — for
// functions with ATS (an ATC) — a device-TLB invalidation (cmd.devtlbInv): "the device TLB
// will be invalidated automatically if ATS is enabled", and the IOTLB goes first because an
// ATC miss refills from the IOTLB (arm-smmu-v3 TLBI+SYNC then ATC_INV; RISC-V "IOATC before
// DevATC"). Bug 'atc-before-iotlb' (R18) reverses the two. After the entries, one invalidation
// wait (cmd.wait); the syscall returns only when its cmd.waitDone arrives, so the VMM's own
// wait ordering rests on a completed invalidation.
//
// Results: unknown hwpt → ENOENT; the nesting parent (not a nested hwpt) → EINVAL; entry_num 0
// → 0 (a probe); entries are checked in order and the first bad one ends the call with its
// errno (flags other than LEAF → EOPNOTSUPP; addr not 4 KiB aligned, npages 0, or "all"
// with a nonzero addr → EINVAL; fewer entries than entry_num → EFAULT), with out0 = the
// entries handled (entry_num out), those being invalidated first. A wait that reports an ATC
// invalidation time-out (status ITE) makes the call return -ETIMEDOUT. Mainline VT-d's
// qi_check_fault returns -ETIMEDOUT for an ITE on a device that is gone (else -EAGAIN and a
// retry), but the cache flush helpers drop that value, so a real ioctl returns 0: the model
// surfaces it instead, so the VMM and the guest see the time-out.

import type { ActorCtx } from '../../src/actor/define.ts';
import { errno, NO_PASID, ufdOp, VTD_INV_ALL_PAGES, vtdInvFlag } from '../../src/protocol/iommufd.ts';
import type { Message, MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { bump, type HostState } from './host-state.ts';
import { TO_IOMMU } from './prq-thread.ts';
import { err, type SyscallResult } from './ufd-ioctl.ts';
import { NESTING_PARENT_ID } from './ufd-objects.ts';
import { StagedBySeq } from './staged-by-seq.ts';

export const BUG_ATC_BEFORE_IOTLB = 'atc-before-iotlb';
const PAGE_BYTES = 4096;

export interface InvEntry {
  addr: number;
  npages: number;
  flags: number;
}

/** A HWPT_INVALIDATE whose commands went out, waiting for its cmd.waitDone. */
export interface InvCall {
  seq: number;
  /** HWPT_INVALIDATE, or DETACH / REPLACE returning after their PASID-entry flush (pasid-entry.ts). */
  op: number;
  /** Entries handled (entry_num out). */
  handled: number;
  /** 0, or the -errno of the entry that ended the call. */
  rc: number;
}

export interface HostInvCounters {
  calls: number;
  probes: number;
  entries: number;
  entriesIgnored: number;
  iotlbInvs: number;
  devtlbInvs: number;
  /** PASID-entry changes (DETACH / REPLACE) whose IOTLB + device-TLB flush the call waited for (pasid-entry.ts). */
  entryFlushes: number;
  waits: number;
  waitsDone: number;
  timeouts: number;
  errors: number;
}

export interface HostInvState {
  /** ufd.invEntry payloads by syscall seq, until their call arrives. */
  entries: StagedBySeq<InvEntry>;
  /** Calls waiting for their invalidation wait, by wait tag. */
  calls: Map<number, InvCall>;
  nextTag: number;
  /** attachKey of the (device, PASID) entries DETACH / REPLACE moved off a nested hwpt (pasid-entry.ts). */
  s1Off: Set<number | string>;
  n: HostInvCounters;
}

export function createHostInvState(): HostInvState {
  return {
    entries: new StagedBySeq(),
    calls: new Map(),
    nextTag: 1,
    s1Off: new Set(),
    n: { calls: 0, probes: 0, entries: 0, entriesIgnored: 0, iotlbInvs: 0, devtlbInvs: 0, waits: 0, waitsDone: 0, timeouts: 0, errors: 0, entryFlushes: 0 },
  };
}

export function bufferInvEntry(s: HostState, m: MessageByType<'ufd.invEntry'>): void {
  const staged = s.inv.entries.get(m.seq);
  if (staged === undefined) s.inv.entries.set(m.seq, [entryOf(m)]);
  else staged.push(entryOf(m));
}

function entryOf(m: MessageByType<'ufd.invEntry'>): InvEntry {
  return { addr: m.addrHi * 0x100000000 + m.addrLo, npages: m.npages, flags: m.flags };
}

interface Target {
  asid: number;
  rid: number;
  pasid: number | null;
  ats: boolean;
}

/** The address spaces attached to hwpt `id`, in attach order. */
function targetsOf(s: HostState, id: number): Target[] {
  const out: Target[] = [];
  for (const h of Object.values(s.ufd.handles)) {
    if (h.hwptId !== id) continue;
    const pasid = h.pasid === NO_PASID ? null : h.pasid;
    const sp = s.cfg.spaces.find((x) => x.devId === h.devId && x.pasid === pasid);
    if (sp === undefined) continue;
    const fn = s.cfg.functions.find((f) => f.rid === sp.rid);
    out.push({ asid: sp.asid, rid: sp.rid, pasid, ats: (fn?.atcEntries ?? 0) > 0 });
  }
  return out;
}

function entryErrno(e: InvEntry | undefined): number {
  if (e === undefined) return errno.EFAULT;
  if ((e.flags & ~vtdInvFlag.LEAF) !== 0) return errno.EOPNOTSUPP;
  if (e.addr % PAGE_BYTES !== 0 || e.npages === 0 || (e.npages === VTD_INV_ALL_PAGES && e.addr !== 0)) return errno.EINVAL;
  return 0;
}

/** The syscall's result now, or null when it returns with its invalidation wait (onInvWaitDone). */
export function hwptInvalidate(s: HostState, ctx: ActorCtx, m: MessageByType<'ufd.call'>): SyscallResult | null {
  const n = s.inv.n;
  n.calls++;
  const entries = s.inv.entries.get(m.seq) ?? [];
  s.inv.entries.delete(m.seq);
  const id = m.a0;
  const count = m.a1;
  if (entries.length > count) n.entriesIgnored += entries.length - count;
  if (id === NESTING_PARENT_ID) return fail(s, errno.EINVAL);
  if (s.ufd.hwpts[id] === undefined) return fail(s, errno.ENOENT);
  if (count === 0) {
    n.probes++;
    return { ret: 0, out0: 0, out1: 0 };
  }
  const targets = targetsOf(s, id);
  const atcFirst = s.cfg.bugs.includes(BUG_ATC_BEFORE_IOTLB);
  let handled = 0;
  let rc = 0;
  let sent = 0;
  for (let i = 0; i < count; i++) {
    const e = entries[i];
    const bad = entryErrno(e);
    if (bad !== 0) {
      rc = -bad;
      break;
    }
    const cmds = entryCommands(e!, targets, atcFirst);
    for (const c of cmds) {
      if (c.type === 'cmd.iotlbInv') n.iotlbInvs++;
      else n.devtlbInvs++;
      sendOrQueue(s.outboxes, ctx, TO_IOMMU, c);
    }
    sent += cmds.length;
    handled++;
  }
  n.entries += handled;
  if (rc < 0) n.errors++;
  if (sent === 0) return { ret: rc, out0: handled, out1: 0 };
  const tag = s.inv.nextTag;
  s.inv.nextTag = (s.inv.nextTag + 1) >>> 0 || 1;
  s.inv.calls.set(tag, { seq: m.seq, op: ufdOp.HWPT_INVALIDATE, handled, rc });
  n.waits++;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.wait', tag });
  return null;
}

function fail(s: HostState, e: number): SyscallResult {
  s.inv.n.errors++;
  return err(e);
}

/** IOTLB invalidations of every attached space, then the device-TLB ones of those with ATS (reversed by the R18 bug). */
function entryCommands(e: InvEntry, targets: Target[], atcFirst: boolean): Message[] {
  const all = e.npages === VTD_INV_ALL_PAGES;
  const iotlb: Message[] = [];
  const devtlb: Message[] = [];
  for (const t of targets) {
    const pasidPresent = t.pasid !== null;
    const pasid = t.pasid ?? 0;
    // cmd.iotlbInv pages 0 = the whole address space.
    iotlb.push({ type: 'cmd.iotlbInv', did: t.asid, pasidPresent, pasid, addr: e.addr, pages: all ? 0 : e.npages });
    if (t.ats) devtlb.push({ type: 'cmd.devtlbInv', rid: t.rid, pasidPresent, pasid, addr: e.addr, pages: e.npages });
  }
  return atcFirst ? [...devtlb, ...iotlb] : [...iotlb, ...devtlb];
}

/**
 * cmd.waitDone: the HWPT_INVALIDATE waiting for this tag returns (-ETIMEDOUT when the wait
 * reported an ATC invalidation time-out). Null when no call waits for the tag (counted).
 */
export function onInvWaitDone(s: HostState, m: MessageByType<'cmd.waitDone'>): { seq: number; op: number; r: SyscallResult } | null {
  const call = s.inv.calls.get(m.tag);
  if (call === undefined) {
    bump(s.stats.unexpectedMessages, m.type);
    return null;
  }
  s.inv.calls.delete(m.tag);
  s.inv.n.waitsDone++;
  let ret = call.rc;
  // A PASID-entry flush (DETACH / REPLACE) returns void in the kernel: a time-out there is not the caller's.
  if (m.status !== 0 && call.op === ufdOp.HWPT_INVALIDATE) {
    s.inv.n.timeouts++;
    if (ret === 0) ret = -errno.ETIMEDOUT;
  }
  return { seq: call.seq, op: call.op, r: { ret, out0: call.handled, out1: 0 } };
}
