// ATS translation: the stage-1 walk of guest.s1, the IOTLB, implicit invalidation on enqueue.

import { describe, expect, it } from 'vitest';
import { iommuActor } from '../../../actors/iommu/iommu.actor.ts';
import { atsReq, pageReq, pte, rig, RID_A, RID_B } from './iommu-fixture.ts';

describe('iommu ATS translation', () => {
  it('answers a present PTE with its R/W bits and version, echoing tag and address', () => {
    const r = rig();
    r.setPte(0, 3, pte(true, true, false, 77));
    r.send(atsReq({ addr: 0x3abc, tag: 11 }));
    expect(r.ctx.take('iommu->dev')).toEqual([{ type: 'pci.atsCpl', rid: 0x100, pasidPresent: true, pasid: 7, addr: 0x3abc, tag: 11, r: true, w: false, version: 77 }]);
    expect(r.s.n.atsWalks).toBe(1);
  });

  it('answers a not-present PTE with R=W=0 and does not cache it', () => {
    const r = rig();
    r.setPte(0, 3, pte(false, true, true, 4));
    r.send(atsReq());
    r.send(atsReq());
    expect(r.ctx.take('iommu->dev').map((m) => m.type === 'pci.atsCpl' && [m.r, m.w, m.version])).toEqual([
      [false, false, 4],
      [false, false, 4],
    ]);
    expect(r.s.n).toMatchObject({ atsWalks: 2, atsHits: 0, atsNotPresent: 2 });
  });

  it('walks the no-PASID space of a RID-only requester (asid 1)', () => {
    const r = rig();
    r.setPte(1, 2, pte(true, true, true, 0x123456));
    r.send(atsReq({ rid: RID_B, pasidPresent: false, pasid: 0, addr: 0x2000 }));
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ r: true, w: true, version: 0x123456 }]);
  });

  it('answers R=W=0 for an unknown address space or a page past the space', () => {
    const r = rig();
    r.send(atsReq({ pasid: 99 }));
    r.send(atsReq({ addr: 16 * 4096 }));
    expect(r.ctx.take('iommu->dev')).toMatchObject([
      { r: false, w: false, version: 0 },
      { r: false, w: false, version: 0 },
    ]);
    expect(r.s.n).toMatchObject({ atsUnknownSpace: 1, atsOutOfRange: 1, atsWalks: 0 });
  });

  it('answers a repeated translation from the IOTLB without walking (a stale entry survives a PTE change)', () => {
    const r = rig();
    r.setPte(0, 3, pte(true, true, false, 1));
    r.send(atsReq());
    r.setPte(0, 3, pte(true, true, true, 2));
    r.send(atsReq());
    expect(r.ctx.take('iommu->dev')).toMatchObject([
      { w: false, version: 1 },
      { w: false, version: 1 },
    ]);
    expect(r.s.n).toMatchObject({ atsHits: 1, atsMisses: 1, atsWalks: 1 });
  });

  it('evicts the oldest filled entry when the IOTLB is full (FIFO)', () => {
    const r = rig({ iotlbEntries: 2 });
    for (const page of [0, 1, 2]) r.setPte(0, page, pte(true, true, true, 1));
    for (const page of [0, 1, 0, 2, 1, 0]) r.send(atsReq({ addr: page * 4096 }));
    // 0 miss, 1 miss, 0 hit, 2 miss (evicts 0), 1 hit, 0 miss.
    expect(r.s.n).toMatchObject({ atsHits: 2, atsMisses: 4 });
  });

  it('implicitly invalidates the faulting page on enqueue, so the retried translation walks again', () => {
    const r = rig();
    r.setPte(0, 3, pte(true, true, false, 1));
    r.send(atsReq({ write: true }));
    r.setPte(0, 3, pte(true, true, true, 2));
    r.send(pageReq({ wr: true }));
    r.send(atsReq({ write: true }));
    expect(r.ctx.take('iommu->dev')).toMatchObject([
      { w: false, version: 1 },
      { w: true, version: 2 },
    ]);
    expect(r.s.n.implicitInvalidations).toBe(1);
  });

  it('keeps the stale IOTLB entry across a page request when implicit invalidation is off', () => {
    const r = rig({ implicitInvalidation: false });
    r.setPte(0, 3, pte(true, true, false, 1));
    r.send(atsReq());
    r.setPte(0, 3, pte(true, true, true, 2));
    r.send(pageReq({ wr: true }));
    r.send(atsReq());
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ version: 1 }, { version: 1 }]);
    expect(r.s.n.implicitInvalidations).toBe(0);
  });
});

describe('iommu ATS latency', () => {
  it('computes the translation at the request and sends the completion atsLatencyNs later, after an invalidation sent meanwhile', () => {
    const r = rig({ atsLatencyNs: 5000 });
    r.setPte(0, 3, pte(true, true, false, 4));
    r.send(atsReq({ addr: 0x3000, tag: 1 }));
    expect(r.ctx.take('iommu->dev')).toEqual([]);
    r.setPte(0, 3, pte(false, false, false, 5)); // the guest unmaps meanwhile
    r.send({ type: 'cmd.iotlbInv', did: 0, pasidPresent: true, pasid: 7, addr: 0x3000, pages: 1 });
    r.send({ type: 'cmd.devtlbInv', rid: RID_A, pasidPresent: true, pasid: 7, addr: 0x3000, pages: 1 });
    expect(iommuActor.pending!(r.s)).toBe(2); // the delayed completion and the ITag
    r.ctx.nowNs = 5000;
    for (const m of r.ctx.dueTimers()) r.send(m);
    expect(r.ctx.take('iommu->dev')).toEqual([
      { type: 'pci.atcInv', rid: RID_A, pasidPresent: true, pasid: 7, addr: 0x3000, pages: 1, global: false, itag: 0 },
      { type: 'pci.atsCpl', rid: RID_A, pasidPresent: true, pasid: 7, addr: 0x3000, tag: 1, r: true, w: false, version: 4 },
    ]);
  });
});
