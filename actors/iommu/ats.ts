// ATS translation requests: nested translation for one page. Stage 1 is the guest's table
// in `guest.s1` (flat: one 32-bit PTE per page, index asid * pagesPerAsid + page; bit 0
// present, 1 R, 2 W, 8..31 version). Stage 2 is pinned and fully mapped (mainline iommufd
// nesting parent), so it never faults and is not walked. A present translation fills the
// IOTLB; a not-present one answers R=W=0 (the device may then send a page request). With
// `atsLatencyNs` the completion, computed now, leaves that much later (an iommu.atsDone timer):
// an invalidation executed meanwhile overtakes it, which is the race the device must not cache.
// An IOTLB hit on an entry whose invalidation is still executing (iotlbInvLatencyNs,
// iotlb-inv.ts) answers the old translation, as real hardware does until the invalidation
// completes; it is counted and marked (iommu.ats-hit-during-iotlb-inv). A space the host moved
// off the guest's stage 1 (cmd.pasidEntry: DETACH, or REPLACE onto the nesting parent) answers no
// access: its stage-2-only translations would be of guest-physical addresses, not of this
// space's pages, so the model gives the device none.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { iotlbEntry, iotlbFill, iotlbKey, iotlbLookup } from './iotlb.ts';
import { underIotlbInv } from './iotlb-inv.ts';
import { spaceKey, type IommuState } from './iommu-state.ts';

export const PAGE_BYTES = 4096;
export const S1_MEMORY = 'guest.s1';

const PTE_PRESENT = 1;
const PTE_READ = 2;
const PTE_WRITE = 4;

export interface Translation {
  r: boolean;
  w: boolean;
  version: number;
}

const NO_ACCESS: Translation = { r: false, w: false, version: 0 };
/**
 * A not-present walk's answer, its version rewritten per walk: translate's result is read at
 * once (into the completion or its timer message) and never kept, so one object serves every walk.
 */
const NOT_PRESENT: Translation = { r: false, w: false, version: 0 };

export function onAtsRequest(s: IommuState, msg: MessageByType<'pci.atsReq'>, ctx: ActorCtx): void {
  s.n.atsRequests++;
  const t = translate(s, msg.rid, msg.pasidPresent ? msg.pasid : null, msg.addr, ctx);
  const latency = ctx.delayNs(s.cfg.atsLatencyNs ?? 0);
  // The completion's fields written out, not spread after `type`: a spread behind another
  // property is a generic copy, several times slower, on every ATS request (issue 9).
  if (latency > 0) {
    s.atsDelayed++;
    ctx.timer(latency, { type: 'iommu.atsDone', rid: msg.rid, pasidPresent: msg.pasidPresent, pasid: msg.pasid, addr: msg.addr, tag: msg.tag, r: t.r, w: t.w, version: t.version });
    return;
  }
  sendAtsCpl(s, ctx, msg.rid, msg.pasidPresent, msg.pasid, msg.addr, msg.tag, t.r, t.w, t.version);
}

function sendAtsCpl(s: IommuState, ctx: ActorCtx, rid: number, pasidPresent: boolean, pasid: number, addr: number, tag: number, r: boolean, w: boolean, version: number): void {
  sendOrQueue(s.outboxes, ctx, 'iommu->dev', { type: 'pci.atsCpl', rid, pasidPresent, pasid, addr, tag, r, w, version });
}

/** A delayed completion's time has come (atsLatencyNs). */
export function onAtsDone(s: IommuState, msg: MessageByType<'iommu.atsDone'>, ctx: ActorCtx): void {
  s.atsDelayed--;
  sendAtsCpl(s, ctx, msg.rid, msg.pasidPresent, msg.pasid, msg.addr, msg.tag, msg.r, msg.w, msg.version);
}

function translate(s: IommuState, rid: number, pasid: number | null, addr: number, ctx: ActorCtx): Translation {
  const sp = s.spaces.get(spaceKey(rid, pasid));
  if (sp === undefined) {
    s.n.atsUnknownSpace++;
    return NO_ACCESS;
  }
  if (s.s1Off.size > 0 && s.s1Off.has(spaceKey(rid, pasid))) {
    // Detached (blocked) or on the nesting parent alone: nothing of the guest's stage 1 is reachable.
    s.n.atsS1Off++;
    return NO_ACCESS;
  }
  const page = Math.floor(addr / PAGE_BYTES);
  if (page >= s.cfg.pagesPerAsid) {
    s.n.atsOutOfRange++;
    return NO_ACCESS;
  }
  const key = iotlbKey(sp, page);
  const hit = iotlbLookup(s.iotlb, key);
  if (hit !== undefined) {
    s.n.atsHits++;
    if (underIotlbInv(s, hit)) {
      s.n.atsHitsDuringIotlbInv++;
      ctx.mark('iommu.ats-hit-during-iotlb-inv');
    }
    return hit; // read-only to the caller: an IotlbEntry is a Translation
  }
  s.n.atsMisses++;
  s.n.atsWalks++;
  const asid = sp.space.asid;
  const index = asid * s.cfg.pagesPerAsid + page;
  const pte = ctx.mem(S1_MEMORY).load(index) >>> 0;
  if ((pte & PTE_PRESENT) === 0) {
    s.n.atsNotPresent++;
    NOT_PRESENT.version = pte >>> 8;
    return NOT_PRESENT;
  }
  const e = iotlbEntry(s.iotlb, asid, page, (pte & PTE_READ) !== 0, (pte & PTE_WRITE) !== 0, pte >>> 8);
  iotlbFill(s.iotlb, key, e);
  return e; // read-only to the caller, as a hit's
}
