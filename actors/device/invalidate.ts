// ATC Invalidate Requests: drop the matching ATC entries of the function, mark overlapping
// translations still in flight as stale (never cached or used, access.ts), and answer with an
// Invalidate Completion (ITag bit set, CC=1) only once the function stopped using the
// invalidated translations (§1.4): DMA already started with a matching translation (a slot
// 'thinking' with `dma` set) runs to its end first (device.think), and the function's
// `atcInvDelayNs` adds its own latency on top (a device.atcInvDelay timer). A function with
// `ignoresAtcInv` never answers (a broken device): only the IOMMU's time-out ends the
// invalidation. Matching over-invalidates, which is always safe: without a PASID prefix, or
// with the Global bit (the ATC keeps no global attribute), the range is dropped for every
// PASID of the function. `pages` counts 4 KiB pages from `addr`.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { DEV_TO_IOMMU } from './access.ts';
import { atcInvalidate } from './atc.ts';
import type { DeviceState } from './device-state.ts';

/** PCIe ATS: 5-bit ITag. */
export const ITAG_COUNT = 32;

/** An ATC invalidation received and not answered yet. */
export interface PendingAtcInv {
  id: number;
  rid: number;
  itag: number;
  /** Slots whose DMA still uses an invalidated translation. */
  slots: number[];
  /** atcInvDelayNs has passed (true at once when the function has none). */
  delayDone: boolean;
}

export function onAtcInv(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.atcInv'>): void {
  const fnIdx = s.fnByRid[msg.rid];
  if (fnIdx === undefined) {
    s.c.dropped.atcInvUnknownRid++;
    return;
  }
  if (!(msg.itag < ITAG_COUNT)) ctx.assert(false, 'FAULTLINE_DEVICE_ITAG', `ATC invalidate with ITag ${msg.itag}`);
  s.c.atcInvs++;
  const first = Math.floor(msg.addr / 4096);
  const match = (pasid: number | null, page: number): boolean => page >= first && page - first < msg.pages && (!msg.pasidPresent || msg.global || pasid === msg.pasid);
  const fn = s.fns[fnIdx]!;
  s.c.atcInvalidated += atcInvalidate(fn.atc, match);
  for (const t of s.pool.translationsAll) {
    if (!t.live) continue;
    const sp = s.spaces[t.spaceIdx]!;
    if (sp.fnIdx === fnIdx && match(sp.cfg.pasid, t.page)) t.stale = true;
  }
  if (fn.cfg.ignoresAtcInv === true) {
    s.c.atcInvsIgnored++;
    ctx.mark('device.atcInvIgnored');
    return;
  }
  const slots: number[] = [];
  for (let i = 0; i < s.slots.length; i++) {
    const sl = s.slots[i]!;
    const sp = s.spaces[sl.spaceIdx]!;
    if (sl.dma && sp.fnIdx === fnIdx && match(sp.cfg.pasid, sl.page)) slots.push(i);
  }
  const delayNs = ctx.delayNs(fn.cfg.atcInvDelayNs ?? 0);
  const inv: PendingAtcInv = { id: s.nextAtcInvId, rid: msg.rid, itag: msg.itag, slots, delayDone: delayNs <= 0 };
  s.nextAtcInvId = (s.nextAtcInvId + 1) >>> 0 || 1;
  if (slots.length > 0) {
    s.c.atcInvsWaitedForDma++;
    ctx.mark('device.atcInvWaitsForDma');
  }
  if (!inv.delayDone) {
    s.c.atcInvsDelayed++;
    ctx.timer(delayNs, { type: 'device.atcInvDelay', inv: inv.id });
  }
  if (!finishIfDone(s, ctx, inv)) s.atcInvs.push(inv);
}

/** A slot's DMA ended (its think timer fired): invalidations waiting for it may complete. */
export function dmaDone(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  const slot = s.slots[slotIdx]!;
  if (!slot.dma) return;
  slot.dma = false;
  if (s.atcInvs.length === 0) return;
  for (const inv of s.atcInvs) {
    const i = inv.slots.indexOf(slotIdx);
    if (i >= 0) inv.slots.splice(i, 1);
  }
  finishReady(s, ctx);
}

export function onAtcInvDelay(s: DeviceState, ctx: ActorCtx, id: number): void {
  const inv = s.atcInvs.find((x) => x.id === id);
  if (inv === undefined) return;
  inv.delayDone = true;
  finishReady(s, ctx);
}

/** Answer every pending invalidation that is done, in arrival order. */
function finishReady(s: DeviceState, ctx: ActorCtx): void {
  s.atcInvs = s.atcInvs.filter((inv) => !finishIfDone(s, ctx, inv));
}

function finishIfDone(s: DeviceState, ctx: ActorCtx, inv: PendingAtcInv): boolean {
  if (inv.slots.length > 0 || !inv.delayDone) return false;
  s.c.atcInvCompletions++;
  sendOrQueue(s.outboxes, ctx, DEV_TO_IOMMU, { type: 'pci.atcInvCpl', rid: inv.rid, itagVector: (1 << inv.itag) >>> 0, cc: 1 });
  return true;
}

export function atcInvStats(s: DeviceState): { waitingForDma: number; waitingForDelay: number } {
  let dma = 0;
  let delay = 0;
  for (const inv of s.atcInvs) {
    if (inv.slots.length > 0) dma++;
    else delay++;
  }
  return { waitingForDma: dma, waitingForDelay: delay };
}
