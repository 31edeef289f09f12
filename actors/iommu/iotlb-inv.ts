// IOTLB invalidation commands (cmd.iotlbInv) and their execution time. With
// `iotlbInvLatencyNs` 0 (default) an invalidation takes effect the moment it reaches the head of
// the command queue. Otherwise it occupies the head for that long (an iommu.iotlbInvDone timer):
// later commands wait behind it, as behind any stalled command, and ATS requests meanwhile still
// hit the entries it is about to drop (ats.ts counts and marks those hits); it takes effect when
// its time is up and the queue runs on. That window is what makes issuing the device-TLB
// invalidation first (bug atc-before-iotlb, R18) observable: a device that misses in its freshly
// invalidated ATC refills from the old IOTLB entry.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { practicalMaxOf } from '../../src/util/distribution.ts';
import { iotlbDropRange, type IotlbEntry } from './iotlb.ts';
import type { IommuState } from './iommu-state.ts';

/** Not imported from ats.ts, which imports this module (no cycle). */
const PAGE_BYTES = 4096;

/** The IOTLB invalidation executing at the head of the command queue (iotlbInvLatencyNs > 0). */
export interface IotlbInvRunning {
  did: number;
  firstPage: number;
  /** 0 = the whole address space. */
  pages: number;
  /** Its time is up: the next run of the queue applies it and moves on. */
  done: boolean;
}

/** Execute the IOTLB invalidation at the queue head; false while it is still running. */
export function executeIotlbInv(s: IommuState, m: MessageByType<'cmd.iotlbInv'>, ctx: ActorCtx): boolean {
  const latency = s.cfg.iotlbInvLatencyNs ?? 0;
  if (practicalMaxOf(latency) <= 0) {
    applyIotlbInv(s, m);
    return true;
  }
  const run = s.iotlbInvRunning;
  if (run === null) {
    s.iotlbInvRunning = { did: m.did, firstPage: Math.floor(m.addr / PAGE_BYTES), pages: m.pages, done: false };
    s.n.iotlbInvsTimed++;
    ctx.timer(ctx.delayNs(latency), { type: 'iommu.iotlbInvDone' });
    return false;
  }
  if (!run.done) return false;
  s.iotlbInvRunning = null;
  applyIotlbInv(s, m);
  return true;
}

/** The running invalidation's time is up (the caller runs the queue on). */
export function markIotlbInvDone(s: IommuState, ctx: ActorCtx): void {
  const run = s.iotlbInvRunning;
  if (run === null || run.done) ctx.fail('FAULTLINE_IOMMU_IOTLB_INV', 'iotlbInvDone with no IOTLB invalidation running');
  run.done = true;
}

/** Whether the running IOTLB invalidation (if any, and not yet applied) covers `e`. */
export function underIotlbInv(s: IommuState, e: IotlbEntry): boolean {
  const run = s.iotlbInvRunning;
  if (run === null || e.asid !== run.did) return false;
  return run.pages === 0 || (e.page >= run.firstPage && e.page < run.firstPage + run.pages);
}

/** DID names the address space (DID = asid in this model); pages 0 = the whole space. */
function applyIotlbInv(s: IommuState, m: MessageByType<'cmd.iotlbInv'>): void {
  s.n.iotlbInvalidations++;
  s.n.iotlbEntriesInvalidated += iotlbDropRange(s.iotlb, m.did, Math.floor(m.addr / PAGE_BYTES), m.pages);
}
