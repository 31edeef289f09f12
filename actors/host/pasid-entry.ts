// What a PASID table entry change costs the caches (issue 12): DETACH and REPLACE of a
// (device, PASID or RID) attachment rewrite its PASID entry, and the kernel flushes what the
// old entry left cached before the ioctl returns — intel_pasid_tear_down_entry (detach:
// pasid_cache_invalidation_with_pasid, the IOTLB of the old DID, devtlb_invalidation_with_pasid
// over the whole range) and intel_pasid_flush_present on replace, both through qi_submit_sync,
// so the flush has completed when the syscall returns. The model does the same: cmd.pasidEntry
// (the IOMMU stops translating the space through the guest's stage 1 unless the new hwpt is a
// nested one), a PASID-IOTLB invalidation of the whole address space, a device-TLB invalidation
// of the whole range for functions with an ATC, and a wait; the syscall's ufd.ret goes out with
// the wait's cmd.waitDone (invalidate.ts, onInvWaitDone). Without this, a device kept using
// translations of a detached space whose guest unmaps the VMM no longer forwards (no hwpt), and
// I3 failed with no bug toggle on. ATTACH of a nested hwpt to an entry moved off before turns
// stage-1 translation back on (no flush: nothing of the space is cached while it is off).

import type { ActorCtx } from '../../src/actor/define.ts';
import { NO_PASID, VTD_INV_ALL_PAGES } from '../../src/protocol/iommufd.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import type { HostState } from './host-state.ts';
import { TO_IOMMU } from './prq-thread.ts';
import { attachKey, NESTING_PARENT_ID } from './ufd-objects.ts';

/** The attachment an entry change starts from, read before the ioctl runs. */
export interface EntryBefore {
  devId: number;
  pasid: number;
  /** The hwpt attached before the call; undefined when nothing was attached. */
  hwptId: number | undefined;
}

export function entryBefore(s: HostState, devId: number, pasid: number): EntryBefore {
  const handle = s.ufd.attach.get(attachKey(devId, pasid));
  return { devId, pasid: pasid >>> 0, hwptId: handle === undefined ? undefined : s.ufd.handles[handle]?.hwptId };
}

function spaceOf(s: HostState, devId: number, pasid: number) {
  const p = pasid === NO_PASID ? null : pasid;
  return s.cfg.spaces.find((x) => x.devId === devId && x.pasid === p);
}

/**
 * DETACH or REPLACE (`nowHwptId`: the hwpt to attach, undefined for DETACH) of an attached entry, to a
 * hwpt that exists: flush the old entry, ahead of the call's auto-responses. Returns the wait tag the
 * syscall's reply waits for, or null when nothing is attached or the call fails (ENOENT) anyway.
 */
export function flushEntryChange(s: HostState, ctx: ActorCtx, before: EntryBefore, nowHwptId: number | undefined): number | null {
  if (before.hwptId === undefined) return null;
  if (nowHwptId !== undefined && nowHwptId !== NESTING_PARENT_ID && s.ufd.hwpts[nowHwptId] === undefined) return null;
  const sp = spaceOf(s, before.devId, before.pasid);
  if (sp === undefined) return null;
  const nested = nowHwptId !== undefined && nowHwptId !== NESTING_PARENT_ID;
  const key = attachKey(before.devId, before.pasid);
  if (nested) s.inv.s1Off.delete(key);
  else s.inv.s1Off.add(key);
  const pasidPresent = sp.pasid !== null;
  const pasid = sp.pasid ?? 0;
  const n = s.inv.n;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.pasidEntry', rid: sp.rid, pasidPresent, pasid, nested });
  // cmd.iotlbInv pages 0 = the whole address space (DID = asid).
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.iotlbInv', did: sp.asid, pasidPresent, pasid, addr: 0, pages: 0 });
  n.iotlbInvs++;
  const fn = s.cfg.functions.find((f) => f.rid === sp.rid);
  if ((fn?.atcEntries ?? 0) > 0) {
    sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.devtlbInv', rid: sp.rid, pasidPresent, pasid, addr: 0, pages: VTD_INV_ALL_PAGES });
    n.devtlbInvs++;
  }
  const tag = s.inv.nextTag;
  s.inv.nextTag = (s.inv.nextTag + 1) >>> 0 || 1;
  n.waits++;
  n.entryFlushes++;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.wait', tag });
  ctx.mark('host.pasid-entry-flushed');
  return tag;
}

/** ATTACH succeeded: an entry moved off the guest's stage 1 before is nested again when the hwpt is. */
export function entryAttached(s: HostState, ctx: ActorCtx, devId: number, pasid: number, hwptId: number): void {
  const key = attachKey(devId, pasid);
  if (!s.inv.s1Off.has(key) || hwptId === NESTING_PARENT_ID) return;
  const sp = spaceOf(s, devId, pasid >>> 0);
  if (sp === undefined) return;
  s.inv.s1Off.delete(key);
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.pasidEntry', rid: sp.rid, pasidPresent: sp.pasid !== null, pasid: sp.pasid ?? 0, nested: true });
}
