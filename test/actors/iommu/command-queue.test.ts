// The command queue: page group responses (PASID-required rule), IOTLB and device-TLB
// invalidations with the ITag pool, invalidation waits, in-order stalls.

import { describe, expect, it } from 'vitest';
import { iommuActor } from '../../../actors/iommu/iommu.actor.ts';
import { encodePageGroupResponse } from '../../../src/protocol/layouts.ts';
import { iotlbKeys } from '../../../actors/iommu/iotlb.ts';
import { WAIT_STATUS_ITE, WATCH_MIN_NS } from '../../../actors/iommu/command-queue.ts';
import { atsReq, devtlbInv, pte, rig, RID_A, RID_B } from './iommu-fixture.ts';

function pgResp(rid: number, pasidPresent: boolean, pasid: number, prgi: number, code: number) {
  return { type: 'cmd.pgResp' as const, ...encodePageGroupResponse({ rid, pasidPresent, pasid, prgi, code }) };
}

describe('iommu command queue', () => {
  it('forwards a page group response with the PASID when the function requires it', () => {
    const r = rig();
    r.send(pgResp(RID_A, true, 7, 5, 0));
    expect(r.ctx.take()).toEqual([{ type: 'pci.prgResp', rid: RID_A, pasidPresent: true, pasid: 7, prgi: 5, code: 0 }]);
  });

  it('strips the PASID from a response to a function that does not require it', () => {
    const r = rig();
    r.send(pgResp(RID_B, true, 3, 6, 0xf));
    expect(r.ctx.take()).toEqual([{ type: 'pci.prgResp', rid: RID_B, pasidPresent: false, pasid: 0, prgi: 6, code: 0xf }]);
    expect(r.s.n).toMatchObject({ responsesForwarded: 1, responsesPasidStripped: 1 });
  });

  it('never adds a PASID the response descriptor does not carry', () => {
    const r = rig();
    r.send(pgResp(RID_A, false, 0, 2, 1));
    expect(r.ctx.take()).toEqual([{ type: 'pci.prgResp', rid: RID_A, pasidPresent: false, pasid: 0, prgi: 2, code: 1 }]);
  });

  it('counts a command descriptor of the wrong type and sends nothing', () => {
    const r = rig();
    r.send({ type: 'cmd.pgResp', w0: 0x1, w1: 0, w2: 0, w3: 0 });
    expect(r.ctx.take()).toEqual([]);
    expect(r.s.n.badCommands).toBe(1);
  });

  it('drops the IOTLB entries of the invalidated range of that address space only', () => {
    const r = rig();
    for (const page of [1, 2, 3]) r.setPte(0, page, pte(true, true, true, 1));
    for (const page of [1, 2, 3]) r.send(atsReq({ addr: page * 4096 }));
    r.send({ type: 'cmd.iotlbInv', did: 1, pasidPresent: false, pasid: 0, addr: 0, pages: 0 });
    expect(r.s.iotlb.entries.size).toBe(3);
    r.send({ type: 'cmd.iotlbInv', did: 0, pasidPresent: true, pasid: 7, addr: 2 * 4096, pages: 2 });
    expect(iotlbKeys(r.s.iotlb, r.s.spaceList)).toEqual(['256/7/1']);
    expect(r.s.n.iotlbEntriesInvalidated).toBe(2);
  });

  it('issues a device-TLB invalidation with the lowest free ITag and frees it on completion', () => {
    const r = rig();
    r.send(devtlbInv(0x1000));
    r.send(devtlbInv(0x2000));
    expect(r.ctx.take('iommu->dev')).toEqual([
      { type: 'pci.atcInv', rid: RID_A, pasidPresent: true, pasid: 7, addr: 0x1000, pages: 1, global: false, itag: 0 },
      { type: 'pci.atcInv', rid: RID_A, pasidPresent: true, pasid: 7, addr: 0x2000, pages: 1, global: false, itag: 1 },
    ]);
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 0b01, cc: 1 });
    r.send(devtlbInv(0x3000));
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ addr: 0x3000, itag: 0 }]);
  });

  it('stalls the command queue when no ITag is free, then resumes in order', () => {
    const r = rig({ itagsMax: 2 });
    r.send(devtlbInv(0x1000));
    r.send(devtlbInv(0x2000));
    r.send(devtlbInv(0x3000));
    r.send(pgResp(RID_A, true, 7, 5, 0));
    expect(r.ctx.take('iommu->dev').map((m) => m.type === 'pci.atcInv' && m.addr)).toEqual([0x1000, 0x2000]);
    expect(r.s.n.itagStalls).toBe(1);
    expect(iommuPending(r)).toBe(4);
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 0b10, cc: 1 });
    expect(r.ctx.take('iommu->dev')).toMatchObject([
      { type: 'pci.atcInv', addr: 0x3000, itag: 1 },
      { type: 'pci.prgResp', prgi: 5 },
    ]);
  });

  it('frees an ITag only after CC completions arrived (CC 0 means 8)', () => {
    const r = rig({ itagsMax: 1 });
    r.send(devtlbInv(0x1000));
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 2 });
    expect(r.s.itags[0]).not.toBeNull();
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 2 });
    expect(r.s.itags[0]).toBeNull();
    expect(r.s.n.devtlbCompleted).toBe(1);
  });

  it('counts a completion for an ITag that is free or belongs to another requester', () => {
    const r = rig();
    r.send(devtlbInv(0x1000));
    r.send({ type: 'pci.atcInvCpl', rid: RID_B, itagVector: 0b11, cc: 1 });
    expect(r.s.n.unexpectedAtcCompletions).toBe(2);
    expect(r.s.itags[0]).not.toBeNull();
  });

  it('completes a wait only after every earlier device-TLB invalidation completed', () => {
    const r = rig();
    r.send({ type: 'cmd.wait', tag: 1 });
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 1, status: 0 }]);
    r.send(devtlbInv(0x1000));
    r.send({ type: 'cmd.wait', tag: 2 });
    expect(r.ctx.take('iommu->host')).toEqual([]);
    expect(iommuPending(r)).toBe(2);
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 1 });
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 2, status: 0 }]);
    expect(iommuPending(r)).toBe(0);
  });
});

function iommuPending(r: ReturnType<typeof rig>): number {
  return iommuActor.pending!(r.s);
}

// ATC invalidation time-outs (VT-d ITE): the ITag is freed, counted, and the covering wait reports it.
describe('iommu ATC invalidation time-out', () => {
  /** Advance the fake clock to `ns`, delivering the watchdog timers due by then. */
  function advance(r: ReturnType<typeof rig>, ns: number): void {
    r.ctx.nowNs = ns;
    for (const m of r.ctx.dueTimers()) r.send(m);
  }

  it('frees the ITag of an invalidation not completed in time and the wait covering it reports ITE', () => {
    const r = rig({ atcInvTimeoutNs: 1_000_000 });
    r.send(devtlbInv(0x1000));
    r.send({ type: 'cmd.wait', tag: 7 });
    expect(r.ctx.timers).toEqual([{ atNs: WATCH_MIN_NS, msg: { type: 'iommu.atcInvWatch' } }]);
    advance(r, 999_999);
    expect(r.s.itags[0]).not.toBeNull();
    expect(r.ctx.take('iommu->host')).toEqual([]);
    advance(r, 1_000_000);
    expect(r.s.itags[0]).toBeNull();
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 7, status: WAIT_STATUS_ITE }]);
    expect(r.s.n).toMatchObject({ atcInvTimeouts: 1, waitsWithIte: 1, devtlbCompleted: 0 });
    expect(r.ctx.timers).toEqual([]); // nothing left to watch
    expect(r.ctx.marks.get('iommu.atcInvTimeout')).toBe(1);
    // The late completion finds its ITag free: counted, not credited.
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 1 });
    expect(r.s.n).toMatchObject({ unexpectedAtcCompletions: 1, devtlbCompleted: 0 });
    // The ITE was reported once: the next wait is clean.
    r.send({ type: 'cmd.wait', tag: 8 });
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 8, status: 0 }]);
  });

  it('a time-out frees a stalled queue: the invalidation waiting for an ITag goes out', () => {
    const r = rig({ itagsMax: 1, atcInvTimeoutNs: 50_000 });
    r.send(devtlbInv(0x1000));
    r.send(devtlbInv(0x2000));
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ addr: 0x1000, itag: 0 }]);
    for (let t = 10_000; t <= 50_000; t += 10_000) advance(r, t);
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ addr: 0x2000, itag: 0 }]);
    expect(r.s.n.atcInvTimeouts).toBe(1);
  });

  it('an invalidation completed in time is not timed out; the watchdog stops once nothing is out', () => {
    const r = rig({ atcInvTimeoutNs: 1_000_000 });
    r.send(devtlbInv(0x1000));
    r.ctx.nowNs = 2_000;
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 1 });
    r.send({ type: 'cmd.wait', tag: 1 });
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 1, status: 0 }]);
    advance(r, 2_000_000);
    expect(r.s.n.atcInvTimeouts).toBe(0);
    expect(r.ctx.timers).toEqual([]);
  });

  it('the watchdog period grows with the age of the oldest invalidation, capped by its deadline', () => {
    const r = rig({ atcInvTimeoutNs: 100_000 });
    r.send(devtlbInv(0x1000));
    const due: number[] = [];
    while (r.ctx.timers.length > 0) {
      const at = r.ctx.timers[0]!.atNs;
      due.push(at);
      advance(r, at);
    }
    expect(due).toEqual([10_000, 20_000, 40_000, 80_000, 100_000]);
    expect(r.s.n.atcInvTimeouts).toBe(1);
  });

  it('atcInvTimeoutNs 0 (or absent) never times out and sets no timer', () => {
    const r = rig();
    r.send(devtlbInv(0x1000));
    expect(r.ctx.timers).toEqual([]);
  });
});
