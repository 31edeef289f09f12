// Builders and drivers for the device tier's unit tests: a small config, a started device
// on a fake ctx, and helpers that answer the device's requests by hand.

import { deviceActor } from '../../../actors/device/device.actor.ts';
import type { DeviceActorConfig, DeviceState } from '../../../actors/device/device-state.ts';
import type { Inbound } from '../../../src/actor/define.ts';
import type { Message, MessageByType } from '../../../src/protocol/messages.ts';
import type { AddressSpace, DeviceFunctionConfig, WorkloadConfig } from '../../../src/config/tier-configs.ts';
import { fakeCtx, type FakeCtx } from '../../support/fake-ctx.ts';

export const PF = 0x100;
export const VF = 0x101;
export const OTHER_PF = 0x200;

export function fnCfg(rid: number, over: Partial<DeviceFunctionConfig> = {}): DeviceFunctionConfig {
  return { rid, pfRid: null, priAllocation: 32, prgResponsePasidRequired: false, atcEntries: 8, ...over };
}

export function spaceCfg(asid: number, rid: number, pasid: number | null): AddressSpace {
  return { asid, rid, pasid, devId: asid + 1, vrid: rid, vpasid: pasid, mappablePages: 64 };
}

export function config(
  over: { functions?: DeviceFunctionConfig[]; spaces?: AddressSpace[]; workload?: Partial<WorkloadConfig>; pagesPerAsid?: number; atcReplacement?: 'fifo' | 'lru' } = {},
): DeviceActorConfig {
  return {
    functions: over.functions ?? [fnCfg(PF)],
    spaces: over.spaces ?? [spaceCfg(0, PF, 5)],
    workload: {
      inFlight: 1,
      pages: 16,
      pattern: { kind: 'sequential' },
      writeRatio: 0,
      pagesPerGroup: 1,
      durationNs: 1e12,
      accessesMax: 0,
      thinkNs: 100,
      ...over.workload,
    },
    pagesPerAsid: over.pagesPerAsid ?? 64,
    bugs: [],
    ...(over.atcReplacement ? { atcReplacement: over.atcReplacement } : {}),
  };
}

export interface Rig {
  s: DeviceState;
  ctx: FakeCtx;
  step(msg: Inbound): void;
  /** Take what the device sent on dev->iommu since the last take. */
  out(): Message[];
  /** Advance time to `nowNs` and deliver the timers due by then. */
  advance(nowNs: number): void;
}

/**
 * A device on a fake ctx. With `priEnabled` (default) software has already enabled PRI on every
 * function (pci.priCtl before sys.start, so the workloads start at sys.start, in slot order).
 */
export function rig(cfg: DeviceActorConfig, start = true, priEnabled = true): Rig {
  const s = deviceActor.init(cfg, 'device');
  const ctx = fakeCtx({ self: 'device' });
  const r: Rig = {
    s,
    ctx,
    step: (msg) => deviceActor.step(s, msg, ctx),
    out: () => ctx.take('dev->iommu'),
    advance(nowNs) {
      ctx.nowNs = nowNs;
      for (const m of ctx.dueTimers()) r.step(m);
    },
  };
  if (priEnabled) for (const f of cfg.functions) r.step({ type: 'pci.priCtl', rid: f.rid, enable: true });
  if (start) r.step({ type: 'sys.start' });
  return r;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read the tier's stats by path, whatever their shape
export function stats(r: Rig): Record<string, any> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return deviceActor.stats!(r.s) as Record<string, any>;
}

export function pending(r: Rig): number {
  return deviceActor.pending!(r.s);
}

type AtsReq = MessageByType<'pci.atsReq'>;
type PageReq = MessageByType<'pci.pageReq'>;

export function asAts(m: Message | undefined): AtsReq {
  if (m?.type !== 'pci.atsReq') throw new Error(`expected pci.atsReq, got ${JSON.stringify(m)}`);
  return m;
}

export function asPageReqs(ms: Message[]): PageReq[] {
  return ms.map((m) => {
    if (m.type !== 'pci.pageReq') throw new Error(`expected pci.pageReq, got ${JSON.stringify(m)}`);
    return m;
  });
}

/** Answer an ATS request with the given permissions. */
export function completion(req: AtsReq, r: boolean, w: boolean, version = 1): MessageByType<'pci.atsCpl'> {
  return { type: 'pci.atsCpl', rid: req.rid, pasidPresent: req.pasidPresent, pasid: req.pasid, addr: req.addr, tag: req.tag, r, w, version };
}

/** A PRG Response for the group a page request belongs to, echoing its PASID. */
export function response(req: PageReq, code: number): MessageByType<'pci.prgResp'> {
  return { type: 'pci.prgResp', rid: req.rid, pasidPresent: req.pasidPresent, pasid: req.pasid, prgi: req.prgi, code };
}

/** Start the device, deny the first translation and return the page requests of the group. */
export function faultOnce(r: Rig): PageReq[] {
  const req = asAts(r.out()[0]);
  r.step(completion(req, false, false));
  return asPageReqs(r.out());
}
