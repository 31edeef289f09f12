// ATC Invalidate Requests: drop the matching ATC entries of the function, mark overlapping
// translations still in flight as stale (never cached or used, access.ts), and answer at once
// with an Invalidate Completion (ITag bit set, CC=1) — after which no invalidated
// translation is used. Matching over-invalidates, which is always safe: without a PASID
// prefix, or with the Global bit (the ATC keeps no global attribute), the range is dropped
// for every PASID of the function. `pages` counts 4 KiB pages from `addr`.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { sendOrQueue } from '../chain/outbox.ts';
import { DEV_TO_IOMMU } from './access.ts';
import { atcInvalidate } from './atc.ts';
import type { DeviceState } from './device-state.ts';

/** PCIe ATS: 5-bit ITag. */
export const ITAG_COUNT = 32;

export function onAtcInv(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.atcInv'>): void {
  const fnIdx = s.fnByRid[msg.rid];
  if (fnIdx === undefined) {
    s.c.dropped.atcInvUnknownRid++;
    return;
  }
  ctx.assert(msg.itag < ITAG_COUNT, 'FAULTLINE_DEVICE_ITAG', `ATC invalidate with ITag ${msg.itag}`);
  s.c.atcInvs++;
  const first = Math.floor(msg.addr / 4096);
  const match = (pasid: number | null, page: number): boolean =>
    page >= first && page - first < msg.pages && (!msg.pasidPresent || msg.global || pasid === msg.pasid);
  s.c.atcInvalidated += atcInvalidate(s.fns[fnIdx]!.atc, match);
  for (const t of s.translations.values()) {
    const sp = s.spaces[t.spaceIdx]!;
    if (sp.fnIdx === fnIdx && match(sp.cfg.pasid, t.page)) t.stale = true;
  }
  sendOrQueue(s.outboxes, ctx, DEV_TO_IOMMU, { type: 'pci.atcInvCpl', rid: msg.rid, itagVector: (1 << msg.itag) >>> 0, cc: 1 });
}
