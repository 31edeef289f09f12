// IOMMU_HWPT_INVALIDATE in the host: per entry the IOTLB of every attached space first, then
// the ATC of the functions with ATS, then one wait; the syscall returns only with its
// cmd.waitDone; errno rules; the R18 bug toggle reverses the order; and, wired to the real
// iommu, ITag exhaustion stalls the command queue behind the host's invalidations.

import { describe, expect, it } from 'vitest';
import { hostActor } from '../../../actors/host/host.actor.ts';
import { iommuActor } from '../../../actors/iommu/iommu.actor.ts';
import type { Inbound } from '../../../src/actor/define.ts';
import { errno, hwptAllocFlag, NO_PASID, ufdOp, VTD_INV_ALL_PAGES, vtdInvFlag } from '../../../src/protocol/iommufd.ts';
import type { Message, MessageByType } from '../../../src/protocol/messages.ts';
import type { HostConfig, IommuConfig } from '../../../src/config/tier-configs.ts';
import { fakeCtx } from '../../support/fake-ctx.ts';

const RID1 = 0x100; // ATS (atcEntries 8): PASIDs 1 and 2
const RID2 = 0x108; // no ATC: RID only

function config(bugs: string[] = []): HostConfig {
  const fn = (rid: number, atcEntries: number) => ({ rid, pfRid: null, priAllocation: 32, prgResponsePasidRequired: true, atcEntries });
  const space = (asid: number, rid: number, pasid: number | null, devId: number) => ({ asid, rid, pasid, devId, vrid: rid, vpasid: pasid, mappablePages: 16 });
  return { functions: [fn(RID1, 8), fn(RID2, 0)], spaces: [space(0, RID1, 1, 1), space(1, RID1, 2, 1), space(2, RID2, null, 2)], prqEntries: 16, bugs };
}

function hostRig(bugs: string[] = []) {
  const s = hostActor.init(config(bugs), 'host');
  const ctx = fakeCtx({ self: 'host' });
  let seq = 0;
  const step = (m: Inbound) => hostActor.step(s, m, ctx);
  const rets = () => ctx.take('host->vmm').filter((m): m is MessageByType<'ufd.ret'> => m.type === 'ufd.ret');
  const ioctl = (op: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0) => {
    step({ type: 'ufd.call', seq: ++seq, op, a0: a0 >>> 0, a1, a2, a3 });
    return rets();
  };
  /** HWPT_INVALIDATE with these entries; returns what came back at once (usually nothing). */
  const invalidate = (hwpt: number, entries: { addr: number; npages: number; flags?: number }[], count = entries.length) => {
    const sq = ++seq;
    for (const e of entries) step({ type: 'ufd.invEntry', seq: sq, addrLo: e.addr >>> 0, addrHi: Math.floor(e.addr / 2 ** 32), npages: e.npages, flags: e.flags ?? vtdInvFlag.LEAF });
    step({ type: 'ufd.call', seq: sq, op: ufdOp.HWPT_INVALIDATE, a0: hwpt, a1: count, a2: 0, a3: 0 });
    return { seq: sq, rets: rets() };
  };
  // Setup as the VMM does it: a fault queue, a nested hwpt per device, dev 1 attached at PASIDs 1 and 2 to one hwpt.
  const fq = ioctl(ufdOp.FAULT_QUEUE_ALLOC)[0]!;
  const hwpt1 = ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, fq.out0)[0]!.out0;
  const hwpt2 = ioctl(ufdOp.HWPT_ALLOC, 2, 0, hwptAllocFlag.FAULT_ID_VALID, fq.out0)[0]!.out0;
  ioctl(ufdOp.ATTACH, 1, hwpt1, 1);
  ioctl(ufdOp.ATTACH, 1, hwpt1, 2);
  ioctl(ufdOp.ATTACH, 2, hwpt2, NO_PASID);
  ctx.take();
  return { s, ctx, step, rets, ioctl, invalidate, hwpt1, hwpt2 };
}

const iotlb = (did: number, pasid: number, addr: number, pages: number): Message => ({ type: 'cmd.iotlbInv', did, pasidPresent: true, pasid, addr, pages });
const devtlb = (pasid: number, addr: number, pages: number): Message => ({ type: 'cmd.devtlbInv', rid: RID1, pasidPresent: true, pasid, addr, pages });

describe('host HWPT_INVALIDATE', () => {
  it('invalidates the IOTLB of every attached space, then their ATC, then waits; returns only with the waitDone', () => {
    const h = hostRig();
    const call = h.invalidate(h.hwpt1, [{ addr: 0x3000, npages: 2 }]);
    expect(call.rets).toEqual([]);
    expect(h.ctx.take('host->iommu')).toEqual([iotlb(0, 1, 0x3000, 2), iotlb(1, 2, 0x3000, 2), devtlb(1, 0x3000, 2), devtlb(2, 0x3000, 2), { type: 'cmd.wait', tag: 1 }]);
    expect(hostActor.pending!(h.s)).toBe(1);
    h.step({ type: 'cmd.waitDone', tag: 1, status: 0 });
    expect(h.rets()).toEqual([{ type: 'ufd.ret', seq: call.seq, ret: 0, out0: 1, out1: 0 }]);
    expect(hostActor.pending!(h.s)).toBe(0);
    expect(h.s.inv.n).toMatchObject({ calls: 1, entries: 1, iotlbInvs: 2, devtlbInvs: 2, waits: 1, waitsDone: 1 });
    expect(h.s.stats.syscalls.HWPT_INVALIDATE).toEqual({ calls: 1, ok: 1, errno: {} });
  });

  it('each entry in order, IOTLB before ATC; a function without ATS gets no device-TLB invalidation', () => {
    const h = hostRig();
    h.invalidate(h.hwpt2, [
      { addr: 0x1000, npages: 1 },
      { addr: 0, npages: VTD_INV_ALL_PAGES },
    ]);
    expect(h.ctx.take('host->iommu')).toEqual([
      { type: 'cmd.iotlbInv', did: 2, pasidPresent: false, pasid: 0, addr: 0x1000, pages: 1 },
      { type: 'cmd.iotlbInv', did: 2, pasidPresent: false, pasid: 0, addr: 0, pages: 0 },
      { type: 'cmd.wait', tag: 1 },
    ]);
  });

  it('bug atc-before-iotlb (R18): the device-TLB invalidations go out before the IOTLB ones', () => {
    const h = hostRig(['atc-before-iotlb']);
    h.invalidate(h.hwpt1, [{ addr: 0x3000, npages: 1 }]);
    expect(h.ctx.take('host->iommu')).toEqual([devtlb(1, 0x3000, 1), devtlb(2, 0x3000, 1), iotlb(0, 1, 0x3000, 1), iotlb(1, 2, 0x3000, 1), { type: 'cmd.wait', tag: 1 }]);
  });

  it('a wait that reports an ATC invalidation time-out makes the call return -ETIMEDOUT', () => {
    const h = hostRig();
    const call = h.invalidate(h.hwpt1, [{ addr: 0, npages: 1 }]);
    h.step({ type: 'cmd.waitDone', tag: 1, status: 1 });
    expect(h.rets()).toEqual([{ type: 'ufd.ret', seq: call.seq, ret: -errno.ETIMEDOUT, out0: 1, out1: 0 }]);
    expect(h.s.inv.n.timeouts).toBe(1);
    expect(h.s.stats.syscalls.HWPT_INVALIDATE!.errno).toEqual({ ETIMEDOUT: 1 });
  });

  it('errno rules: unknown hwpt ENOENT, the nesting parent EINVAL, 0 entries is a probe, bad entries end the call', () => {
    const h = hostRig();
    expect(h.invalidate(999, [{ addr: 0, npages: 1 }]).rets).toMatchObject([{ ret: -errno.ENOENT }]);
    expect(h.invalidate(0, [{ addr: 0, npages: 1 }]).rets).toMatchObject([{ ret: -errno.EINVAL }]);
    expect(h.invalidate(h.hwpt1, []).rets).toMatchObject([{ ret: 0, out0: 0 }]);
    expect(h.invalidate(h.hwpt1, [{ addr: 0, npages: 1, flags: 2 }]).rets).toMatchObject([{ ret: -errno.EOPNOTSUPP, out0: 0 }]);
    expect(h.invalidate(h.hwpt1, [{ addr: 0x1001, npages: 1 }]).rets).toMatchObject([{ ret: -errno.EINVAL, out0: 0 }]);
    expect(h.invalidate(h.hwpt1, [{ addr: 0x1000, npages: VTD_INV_ALL_PAGES }]).rets).toMatchObject([{ ret: -errno.EINVAL, out0: 0 }]);
    expect(h.invalidate(h.hwpt1, [], 1).rets).toMatchObject([{ ret: -errno.EFAULT, out0: 0 }]);
    expect(h.ctx.take('host->iommu')).toEqual([]);
    expect(h.s.inv.n.probes).toBe(1);
    // A good entry then a bad one: the first is invalidated, the call returns the errno with entry_num 1.
    const call = h.invalidate(h.hwpt2, [
      { addr: 0x1000, npages: 1 },
      { addr: 0x1000, npages: 0 },
    ]);
    expect(call.rets).toEqual([]);
    expect(h.ctx.take('host->iommu').map((m) => m.type)).toEqual(['cmd.iotlbInv', 'cmd.wait']);
    h.step({ type: 'cmd.waitDone', tag: 1, status: 0 });
    expect(h.rets()).toEqual([{ type: 'ufd.ret', seq: call.seq, ret: -errno.EINVAL, out0: 1, out1: 0 }]);
  });

  it('a waitDone no call waits for is counted', () => {
    const h = hostRig();
    h.step({ type: 'cmd.waitDone', tag: 42, status: 0 });
    expect(h.rets()).toEqual([]);
    expect(h.s.stats.unexpectedMessages).toEqual({ 'cmd.waitDone': 1 });
  });
});

describe('host HWPT_INVALIDATE through the real iommu', () => {
  function iommuConfig(itagsMax: number): IommuConfig {
    const c = config();
    return {
      prqEntries: 16,
      overflowAutoResponse: 'success',
      implicitInvalidation: true,
      iotlbEntries: 8,
      functions: c.functions,
      spaces: c.spaces,
      pagesPerAsid: 16,
      itagsMax,
      bugs: [],
    };
  }

  it('ITag exhaustion stalls the command queue; device completions release it and the call returns after them', () => {
    const h = hostRig();
    const cfg = iommuConfig(2);
    const io = iommuActor.init(cfg, 'iommu');
    const ictx = fakeCtx({ self: 'iommu', memories: { 'guest.s1': 3 * 16 } });
    /** Carry host → iommu and iommu → host messages until both are quiet; returns what the iommu sent the device. */
    const wire = (): MessageByType<'pci.atcInv'>[] => {
      const toDev: MessageByType<'pci.atcInv'>[] = [];
      for (let moved = true; moved; ) {
        moved = false;
        for (const m of h.ctx.take('host->iommu')) {
          iommuActor.step(io, m, ictx);
          moved = true;
        }
        for (const m of ictx.take('iommu->host')) {
          h.step(m);
          moved = true;
        }
        for (const m of ictx.take('iommu->dev')) if (m.type === 'pci.atcInv') toDev.push(m);
      }
      return toDev;
    };
    // Two entries × two PASIDs of the ATS function: four ATC invalidations for two ITags.
    const call = h.invalidate(h.hwpt1, [
      { addr: 0x1000, npages: 1 },
      { addr: 0x2000, npages: 1 },
    ]);
    let sentToDev = wire();
    expect(sentToDev.map((m) => [m.addr, m.pasid, m.itag])).toEqual([
      [0x1000, 1, 0],
      [0x1000, 2, 1],
    ]);
    expect(io.n.itagStalls).toBe(1);
    expect(io.cmdQueue.map((m) => m.type)).toEqual(['cmd.devtlbInv', 'cmd.devtlbInv', 'cmd.wait']);
    expect(h.rets()).toEqual([]);
    iommuActor.step(io, { type: 'pci.atcInvCpl', rid: RID1, itagVector: 0b11, cc: 1 }, ictx);
    sentToDev = wire();
    expect(sentToDev.map((m) => [m.addr, m.pasid, m.itag])).toEqual([
      [0x2000, 1, 0],
      [0x2000, 2, 1],
    ]);
    expect(h.rets()).toEqual([]); // the wait still holds: two ATC invalidations are out
    iommuActor.step(io, { type: 'pci.atcInvCpl', rid: RID1, itagVector: 0b01, cc: 1 }, ictx);
    wire();
    expect(h.rets()).toEqual([]);
    iommuActor.step(io, { type: 'pci.atcInvCpl', rid: RID1, itagVector: 0b10, cc: 1 }, ictx);
    wire();
    expect(h.rets()).toEqual([{ type: 'ufd.ret', seq: call.seq, ret: 0, out0: 2, out1: 0 }]);
    expect(io.n).toMatchObject({ iotlbInvalidations: 4, devtlbInvalidations: 4, devtlbCompleted: 4, waitsDone: 1 });
  });
});
