// Guest invalidations in the VMM: PASID-IOTLB invalidations forwarded as IOMMU_HWPT_INVALIDATE
// (VTD_S1 entries ahead of the call), device-TLB invalidations absorbed (the host issues them),
// invalidation waits answered only after every earlier forwarded call returned.

import { describe, expect, it } from 'vitest';
import { vmmActor } from '../../../actors/vmm/vmm.actor.ts';
import { errno, ufdOp, vtdInvFlag } from '../../../src/protocol/iommufd.ts';
import type { MessageByType } from '../../../src/protocol/messages.ts';
import { HWPT_BASE, vmmRig } from './vmm-fixture.ts';

const iotlbInv = (addr: number, pages = 1, did = 0): MessageByType<'vcmd.iotlbInv'> => ({ type: 'vcmd.iotlbInv', did, pasidPresent: true, pasid: 7, addr, pages });
const devtlbInv = (addr: number): MessageByType<'vcmd.devtlbInv'> => ({ type: 'vcmd.devtlbInv', rid: 0x10, pasidPresent: true, pasid: 7, addr, pages: 1 });

describe('vmm guest invalidations', () => {
  it("forwards a PASID-IOTLB invalidation as HWPT_INVALIDATE on the space's nested hwpt, not the devTLB one", () => {
    const r = vmmRig();
    r.setUp();
    r.send(iotlbInv(0x5000, 3));
    r.send(devtlbInv(0x5000));
    const seq = r.s.inFlight!.seq;
    expect(r.ctx.take('vmm->host')).toEqual([
      { type: 'ufd.invEntry', seq, addrLo: 0x5000, addrHi: 0, npages: 3, flags: vtdInvFlag.LEAF },
      { type: 'ufd.call', seq, op: ufdOp.HWPT_INVALIDATE, a0: HWPT_BASE, a1: 1, a2: 0, a3: 0 },
    ]);
    expect(r.s.inv.n).toMatchObject({ iotlbInvs: 1, entriesForwarded: 1, calls: 1, devtlbInvsAbsorbed: 1 });
    expect(r.s.n.guestInvalidationsNotForwarded).toBe(1);
  });

  it("answers the guest's wait only after the forwarded invalidation returned", () => {
    const r = vmmRig();
    r.setUp();
    r.send(iotlbInv(0x5000));
    r.send(devtlbInv(0x5000));
    r.send({ type: 'vcmd.wait', tag: 9 });
    r.ctx.take('vmm->host');
    expect(r.ctx.take('vmm->guest')).toEqual([]);
    expect(vmmActor.pending!(r.s)).toBe(2); // the call and the wait
    r.ret(0, 1);
    expect(r.ctx.take('vmm->guest')).toEqual([{ type: 'vcmd.waitDone', tag: 9, status: 0 }]);
    expect(vmmActor.pending!(r.s)).toBe(0);
  });

  it('a wait covers every invalidation queued before it: calls one at a time, entries for the same hwpt batched', () => {
    const r = vmmRig();
    r.setUp();
    r.send(iotlbInv(0x1000)); // call 1, in flight
    r.send(iotlbInv(0x2000)); // call 2, queued
    r.send(iotlbInv(0x3000)); // joins call 2
    r.send({ type: 'vcmd.wait', tag: 1 });
    r.send(iotlbInv(0x4000)); // joins call 2 as well: still queued, at the tail
    expect(r.ctx.take('vmm->host').map((m) => m.type)).toEqual(['ufd.invEntry', 'ufd.call']);
    r.ret(0, 1);
    expect(r.ctx.take('vmm->guest')).toEqual([]);
    const seq = r.s.inFlight!.seq;
    expect(r.ctx.take('vmm->host')).toEqual([
      { type: 'ufd.invEntry', seq, addrLo: 0x2000, addrHi: 0, npages: 1, flags: 1 },
      { type: 'ufd.invEntry', seq, addrLo: 0x3000, addrHi: 0, npages: 1, flags: 1 },
      { type: 'ufd.invEntry', seq, addrLo: 0x4000, addrHi: 0, npages: 1, flags: 1 },
      { type: 'ufd.call', seq, op: ufdOp.HWPT_INVALIDATE, a0: HWPT_BASE, a1: 3, a2: 0, a3: 0 },
    ]);
    r.ret(0, 3);
    expect(r.ctx.take('vmm->guest')).toEqual([{ type: 'vcmd.waitDone', tag: 1, status: 0 }]);
    expect(r.s.inv.n).toMatchObject({ calls: 2, entriesForwarded: 4, entriesBatched: 2, callsOk: 2, waitsAnswered: 1 });
  });

  it('a wait with nothing forwarded before it is answered at once', () => {
    const r = vmmRig();
    r.setUp();
    r.send({ type: 'vcmd.wait', tag: 3 });
    expect(r.ctx.take('vmm->guest')).toEqual([{ type: 'vcmd.waitDone', tag: 3, status: 0 }]);
  });

  it("a failed HWPT_INVALIDATE (the host's ATC time-out) makes the covering wait report status 1", () => {
    const r = vmmRig();
    r.setUp();
    r.send(iotlbInv(0x1000));
    r.send({ type: 'vcmd.wait', tag: 5 });
    r.ret(-errno.ETIMEDOUT, 0);
    expect(r.ctx.take('vmm->guest')).toEqual([{ type: 'vcmd.waitDone', tag: 5, status: 1 }]);
    expect(r.s.inv.n).toMatchObject({ callErrors: 1, waitsWithError: 1 });
    expect(r.s.errnos).toMatchObject({ ETIMEDOUT: 1 });
  });

  it('an invalidation for an unknown space or a space without a hwpt is counted, not forwarded', () => {
    const r = vmmRig();
    r.send(iotlbInv(0x1000)); // setup not run: no hwpt yet
    r.setUp();
    r.send(iotlbInv(0x1000, 1, 5)); // no asid 5
    r.send({ ...iotlbInv(0x1000), pasid: 8 }); // asid 0 has vPASID 7
    expect(r.ctx.take('vmm->host')).toEqual([]);
    expect(r.s.inv.n).toMatchObject({ noHwpt: 1, unknownSpace: 2, calls: 0 });
  });
});
