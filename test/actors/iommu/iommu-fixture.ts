// Shared fixture for the iommu tier tests: a small config, a fake ctx with `guest.s1`, and
// message builders.

import { iommuActor } from '../../../actors/iommu/iommu.actor.ts';
import type { IommuState } from '../../../actors/iommu/iommu-state.ts';
import type { Inbound } from '../../../src/actor/define.ts';
import type { MessageByType } from '../../../src/protocol/messages.ts';
import type { IommuConfig } from '../../../src/config/tier-configs.ts';
import { fakeCtx, type FakeCtx } from '../../support/fake-ctx.ts';

export const PAGES_PER_ASID = 16;
export const RID_A = 0x100;
export const RID_B = 0x200;

export function iommuConfig(over: Partial<IommuConfig> = {}): IommuConfig {
  return {
    prqEntries: 4,
    overflowAutoResponse: 'success',
    implicitInvalidation: true,
    iotlbEntries: 8,
    functions: [
      { rid: RID_A, pfRid: null, priAllocation: 32, prgResponsePasidRequired: true, atcEntries: 8 },
      { rid: RID_B, pfRid: null, priAllocation: 32, prgResponsePasidRequired: false, atcEntries: 8 },
    ],
    spaces: [
      { asid: 0, rid: RID_A, pasid: 7, devId: 1, vrid: 0x10, vpasid: 7, mappablePages: 8 },
      { asid: 1, rid: RID_B, pasid: null, devId: 2, vrid: 0x18, vpasid: null, mappablePages: 8 },
    ],
    pagesPerAsid: PAGES_PER_ASID,
    itagsMax: 32,
    bugs: [],
    ...over,
  };
}

export interface Rig {
  s: IommuState;
  ctx: FakeCtx;
  send(msg: Inbound): void;
  setPte(asid: number, page: number, pte: number): void;
}

/** An iommu on a fake ctx; with `preEnabled` (default) the host already set PRE for every function (the pci.priCtl writes are taken). */
export function rig(over: Partial<IommuConfig> = {}, preEnabled = true): Rig {
  const cfg = iommuConfig(over);
  const s = iommuActor.init(cfg, 'iommu');
  const ctx = fakeCtx({ self: 'iommu', memories: { 'guest.s1': cfg.spaces.length * PAGES_PER_ASID } });
  if (preEnabled) {
    for (const f of cfg.functions) iommuActor.step(s, { type: 'cmd.ctxPri', rid: f.rid, enable: true }, ctx);
    ctx.take();
  }
  return {
    s,
    ctx,
    send: (msg) => iommuActor.step(s, msg, ctx),
    setPte: (asid, page, pte) => ctx.mem('guest.s1').store(asid * PAGES_PER_ASID + page, pte | 0),
  };
}

export function pte(present: boolean, r: boolean, w: boolean, version: number): number {
  return ((present ? 1 : 0) | (r ? 2 : 0) | (w ? 4 : 0) | (version << 8)) >>> 0;
}

export function pageReq(over: Partial<MessageByType<'pci.pageReq'>> = {}): MessageByType<'pci.pageReq'> {
  return {
    type: 'pci.pageReq',
    rid: RID_A,
    pasidPresent: true,
    pasid: 7,
    exe: false,
    priv: false,
    rd: true,
    wr: false,
    last: true,
    prgi: 5,
    addr: 0x3000,
    ghost: 42,
    ...over,
  };
}

export function atsReq(over: Partial<MessageByType<'pci.atsReq'>> = {}): MessageByType<'pci.atsReq'> {
  return { type: 'pci.atsReq', rid: RID_A, pasidPresent: true, pasid: 7, addr: 0x3000, tag: 9, write: false, ...over };
}

export function devtlbInv(addr: number): MessageByType<'cmd.devtlbInv'> {
  return { type: 'cmd.devtlbInv', rid: RID_A, pasidPresent: true, pasid: 7, addr, pages: 1 };
}
