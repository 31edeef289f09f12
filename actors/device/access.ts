// One access slot's life: start an access (workload; open loop: the next arrival, backlog.ts), look it up in the ATC, translate with
// ATS on a miss, and finish it (DMA ok, or failed with a reason) before thinking and starting
// the next one. An ATS completion without the needed permission hands the access to the PRI
// path (fault.ts). Completions of translations that an ATC invalidation overtook are never
// cached or used: the access translates again (PCIe ATS: a completion that raced an
// invalidation must not be cached as valid).

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { atcFill, atcLookup } from './atc.ts';
import type { AccessFailure } from './counters.ts';
import type { DeviceState } from './device-state.ts';
import { takeArrival } from './backlog.ts';
import { raiseFault } from './fault.ts';
import { parkIfStopped } from './pasid.ts';
import { fnRemoved } from './reset.ts';
import { nextAccess, workloadDone } from './workload.ts';
import { freeTranslation, newTranslation } from './records.ts';

export const DEV_TO_IOMMU = 'dev->iommu';

export function startAccess(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  const slot = s.slots[slotIdx]!;
  if (!(slot.phase === 'idle' || slot.phase === 'thinking')) ctx.assert(false, 'FAULTLINE_DEVICE_SLOT', `slot ${slotIdx} started while ${slot.phase}`);
  if (parkIfStopped(s, slotIdx)) return;
  if (s.openLoop) {
    takeArrival(s, ctx, slotIdx);
    return;
  }
  const space = s.spaces[slot.spaceIdx]!;
  const w = s.cfg.workload;
  if (workloadDone(w, space, ctx.now()) || fnRemoved(s, space.fnIdx)) {
    slot.phase = 'stopped';
    return;
  }
  const { page, write } = nextAccess(w, space, ctx.rng, s.zipf);
  beginAccess(s, ctx, slotIdx, page, write);
}

/** The slot starts an access of `page`: from the ATC, or an ATS translation on a miss. */
export function beginAccess(s: DeviceState, ctx: ActorCtx, slotIdx: number, page: number, write: boolean): void {
  const slot = s.slots[slotIdx]!;
  const space = s.spaces[slot.spaceIdx]!;
  space.started++;
  s.c.accessesStarted++;
  slot.page = page;
  slot.write = write;
  slot.retried = false;
  slot.ghost = 0;
  const fn = s.fns[space.fnIdx]!;
  const hit = atcLookup(fn.atc, space.cfg.pasid, page);
  if (hit !== undefined && (write ? hit.w : hit.r)) {
    s.c.atcHits++;
    ctx.check({ type: 'chk.xlateUsed', asid: space.cfg.asid, page, version: hit.version });
    completeAccess(s, ctx, slotIdx);
    return;
  }
  s.c.atcMisses++;
  translateFor(s, ctx, slotIdx);
}

/** Send the slot's ATS Translation Request. */
export function translateFor(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  const slot = s.slots[slotIdx]!;
  slot.phase = 'translating';
  slot.tag = requestTranslation(s, ctx, slotIdx, slot.spaceIdx, slot.page, slot.write);
}

export function requestTranslation(s: DeviceState, ctx: ActorCtx, owner: number, spaceIdx: number, page: number, write: boolean): number {
  const sp = s.spaces[spaceIdx]!.cfg;
  const tag = s.nextTag;
  s.nextTag = (s.nextTag + 1) >>> 0;
  if (s.translations.has(tag)) ctx.assert(false, 'FAULTLINE_DEVICE_ATS_TAG', `ATS tag ${tag} still outstanding`);
  s.translations.set(tag, newTranslation(s, owner, spaceIdx, page, write));
  s.translationsOutstanding++;
  s.c.atsRequests++;
  sendOrQueue(s.outboxes, ctx, DEV_TO_IOMMU, {
    type: 'pci.atsReq',
    rid: sp.rid,
    pasidPresent: sp.pasid !== null,
    pasid: sp.pasid ?? 0,
    addr: page * 4096,
    tag,
    write,
  });
  return tag;
}

export function onAtsCpl(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.atsCpl'>): void {
  const t = s.translations.get(msg.tag);
  if (t === undefined) {
    s.c.dropped.atsCplUnknownTag++;
    return;
  }
  const space = s.spaces[t.spaceIdx]!;
  // The message is built only when the assertion fails (a template per completion was most of its cost; issue 9).
  if (!(msg.rid === space.cfg.rid && msg.addr === t.page * 4096)) {
    ctx.assert(false, 'FAULTLINE_DEVICE_ATS_MISMATCH', `completion tag ${msg.tag} for rid ${msg.rid} addr ${msg.addr}; requested rid ${space.cfg.rid} page ${t.page}`);
  }
  s.translations.delete(msg.tag);
  const { owner, page, write, stale } = t;
  freeTranslation(s, t);
  s.translationsOutstanding--;
  s.c.atsCompletions++;
  if (stale) {
    if (s.keepsRacedTranslation) {
      // Bug 'atc-keeps-raced-translation': cached and used as if nothing had raced it.
      s.c.racedTranslationsKept++;
      ctx.mark('device.atc-kept-raced-translation');
    } else {
      s.c.dropped.atsCplStale++;
      ctx.mark('device.ats-raced-invalidation');
      if (owner >= 0) translateFor(s, ctx, owner);
      return;
    }
  }
  const fn = s.fns[space.fnIdx]!;
  if (msg.r || msg.w) {
    s.c.atcEvictions += atcFill(fn.atc, space.cfg.pasid, page, msg.r, msg.w, msg.version);
  }
  if (owner < 0) {
    if (!(msg.r || msg.w)) s.c.prefetchDenied++;
    return;
  }
  const slot = s.slots[owner]!;
  if (!(slot.phase === 'translating' && slot.tag === msg.tag)) ctx.assert(false, 'FAULTLINE_DEVICE_SLOT', `slot ${owner} got tag ${msg.tag} while ${slot.phase}`);
  if (write ? msg.w : msg.r) {
    ctx.check({ type: 'chk.xlateUsed', asid: space.cfg.asid, page, version: msg.version });
    completeAccess(s, ctx, owner);
  } else raiseFault(s, ctx, owner);
}

export function completeAccess(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  s.c.dmaOk++;
  think(s, ctx, slotIdx);
  // The DMA uses the slot page's translation until the think timer (invalidate.ts waits for it).
  s.slots[slotIdx]!.dma = true;
}

export function failAccess(s: DeviceState, ctx: ActorCtx, slotIdx: number, reason: AccessFailure): void {
  s.c.dmaFailed[reason]++;
  think(s, ctx, slotIdx);
}

function think(s: DeviceState, ctx: ActorCtx, slotIdx: number): void {
  s.slots[slotIdx]!.phase = 'thinking';
  ctx.timer(s.cfg.workload.thinkNs, { type: 'device.think', slot: slotIdx });
}
