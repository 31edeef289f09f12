// The guest's unmap workload (issue 4, reference §6): every `unmapEveryNs` the guest driver
// picks an address space and a mapped page of it (ctx.rng: a random start, then the first
// present page from there), clears the PTEs of up to `unmapPages` consecutive pages from it
// in guest.s1 (present, R and W off, version + 1; pages already not present are left alone)
// and invalidates the range on its virtual invalidation queue, in this order on 'guest->vmm':
// a PASID-IOTLB invalidation (vcmd.iotlbInv, DID = the address space), a device-TLB
// invalidation (vcmd.devtlbInv, the vRID and vPASID) and an invalidation wait (vcmd.wait).
// The unmap is complete for the guest when vcmd.waitDone with that tag arrives: then (status
// 0) no translation older than the cleared PTEs may be used any more, which the guest tells the
// checker per page (chk.invDone). Pages may be faulted in and mapped again meanwhile by the
// fault path: that is the invalidation-vs-fault race (R19). Ticks stop at the run's
// durationNs; waits already issued still complete.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { createHistogram, record, type Histogram } from '../../src/metrics/histogram.ts';
import { practicalMaxOf } from '../../src/util/distribution.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { PAGE_BYTES, PTE_PRESENT, PTE_READ, PTE_WRITE } from './fault-handler.ts';
import type { GuestState } from './guest-state.ts';

const TO_VMM = 'guest->vmm';
const S1 = 'guest.s1';
const VERSION_SHIFT = 8;
const VERSION_MASK = 0xffffff;
/** At most this many PTEs are looked at to find a mapped page per unmap. */
export const UNMAP_SCAN_MAX = 4096;

export interface UnmapWait {
  sentAtNs: number;
  asid: number;
  /** Each cleared page with the PTE version it was left at. */
  pages: { page: number; version: number }[];
}

export interface GuestUnmapCounters {
  /** Unmaps done (each: one IOTLB + one devTLB invalidation and a wait). */
  unmaps: number;
  pagesUnmapped: number;
  /** Ticks that found no mapped page to unmap (nothing sent). */
  unmapMisses: number;
  iotlbInvs: number;
  devtlbInvs: number;
  waits: number;
  waitsCompleted: number;
  /** Waits completed with a nonzero status (an invalidation failed or timed out below). */
  waitErrors: number;
  /** vcmd.waitDone for a tag no wait is outstanding for. */
  unexpectedWaitDone: number;
}

export interface GuestUnmapState {
  nextTag: number;
  waits: Map<number, UnmapWait>;
  n: GuestUnmapCounters;
  waitNs: Histogram;
}

export function createGuestUnmapState(): GuestUnmapState {
  return {
    nextTag: 1,
    waits: new Map(),
    waitNs: createHistogram(),
    n: { unmaps: 0, pagesUnmapped: 0, unmapMisses: 0, iotlbInvs: 0, devtlbInvs: 0, waits: 0, waitsCompleted: 0, waitErrors: 0, unexpectedWaitDone: 0 },
  };
}

/** The period to the next tick: a window (a distribution) is drawn per tick (ctx.delayNs), never under 1 ns so time moves on. */
function everyNs(s: GuestState, ctx: ActorCtx): number {
  return Math.max(1, ctx.delayNs(s.cfg.unmapEveryNs ?? 0));
}

/** sys.start: the first tick, when the workload is on. */
export function startUnmaps(s: GuestState, ctx: ActorCtx): void {
  if (practicalMaxOf(s.cfg.unmapEveryNs ?? 0) > 0 && s.cfg.spaces.length > 0) ctx.timer(everyNs(s, ctx), { type: 'guest.unmapTick' });
}

export function onUnmapTick(s: GuestState, ctx: ActorCtx): void {
  const end = s.cfg.durationNs ?? 0;
  if (end > 0 && ctx.now() >= end) return;
  unmapOnce(s, ctx);
  ctx.timer(everyNs(s, ctx), { type: 'guest.unmapTick' });
}

/** One unmap: clear the PTEs of a mapped range and invalidate it; false when no mapped page was found. */
export function unmapOnce(s: GuestState, ctx: ActorCtx): boolean {
  const space = s.cfg.spaces[ctx.rng.int(s.cfg.spaces.length)]!;
  const per = s.cfg.pagesPerAsid;
  const limit = Math.min(space.mappablePages, per);
  const mem = ctx.mem(S1);
  const base = space.asid * per;
  let first = -1;
  if (limit > 0) {
    const start = ctx.rng.int(limit);
    const scan = Math.min(limit, UNMAP_SCAN_MAX);
    for (let i = 0; i < scan; i++) {
      const page = (start + i) % limit;
      if ((mem.load(base + page) & PTE_PRESENT) !== 0) {
        first = page;
        break;
      }
    }
  }
  if (first < 0) {
    s.unmap.n.unmapMisses++;
    return false;
  }
  const pages = Math.min(s.cfg.unmapPages ?? 1, per - first);
  const cleared: UnmapWait['pages'] = [];
  for (let page = first; page < first + pages; page++) {
    const old = mem.load(base + page) >>> 0;
    if ((old & PTE_PRESENT) === 0) continue;
    const version = ((old >>> VERSION_SHIFT) + 1) & VERSION_MASK;
    mem.store(base + page, (old & ~(PTE_PRESENT | PTE_READ | PTE_WRITE) & 0xff) | (version << VERSION_SHIFT) | 0);
    cleared.push({ page, version });
  }
  const n = s.unmap.n;
  n.unmaps++;
  n.pagesUnmapped += cleared.length;
  const pasidPresent = space.vpasid !== null;
  const pasid = space.vpasid ?? 0;
  const addr = first * PAGE_BYTES;
  sendOrQueue(s.outboxes, ctx, TO_VMM, { type: 'vcmd.iotlbInv', did: space.asid, pasidPresent, pasid, addr, pages });
  n.iotlbInvs++;
  sendOrQueue(s.outboxes, ctx, TO_VMM, { type: 'vcmd.devtlbInv', rid: space.vrid, pasidPresent, pasid, addr, pages });
  n.devtlbInvs++;
  const tag = s.unmap.nextTag;
  s.unmap.nextTag = (s.unmap.nextTag + 1) >>> 0 || 1;
  s.unmap.waits.set(tag, { sentAtNs: ctx.now(), asid: space.asid, pages: cleared });
  sendOrQueue(s.outboxes, ctx, TO_VMM, { type: 'vcmd.wait', tag });
  n.waits++;
  ctx.mark('guest.unmap');
  return true;
}

export function onWaitDone(s: GuestState, ctx: ActorCtx, m: MessageByType<'vcmd.waitDone'>): void {
  const w = s.unmap.waits.get(m.tag);
  const n = s.unmap.n;
  if (w === undefined) {
    n.unexpectedWaitDone++;
    s.stats.unexpectedMessages[m.type] = (s.stats.unexpectedMessages[m.type] ?? 0) + 1;
    return;
  }
  s.unmap.waits.delete(m.tag);
  n.waitsCompleted++;
  record(s.unmap.waitNs, ctx.now() - w.sentAtNs);
  if (m.status !== 0) {
    n.waitErrors++;
    ctx.mark('guest.invalidationWaitError');
    return;
  }
  for (const p of w.pages) ctx.check({ type: 'chk.invDone', asid: w.asid, firstPage: p.page, pages: 1, version: p.version });
}

export function unmapStats(s: GuestState): Record<string, unknown> {
  return { ...s.unmap.n, waitsOutstanding: s.unmap.waits.size, waitNs: s.unmap.waitNs };
}
