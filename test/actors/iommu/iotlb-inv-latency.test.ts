// IOTLB invalidation execution time (iommu.iotlbInvLatencyNs, actors/iommu/iotlb-inv.ts): the
// invalidation holds the command queue head for its time while ATS still hits the old entries,
// then takes effect and the queue runs on; 0 (the default) keeps the instant behaviour.

import { describe, expect, it } from 'vitest';
import { iommuActor } from '../../../actors/iommu/iommu.actor.ts';
import { iotlbKeys } from '../../../actors/iommu/iotlb.ts';
import type { MessageByType } from '../../../src/protocol/messages.ts';
import { atsReq, devtlbInv, pte, rig, RID_A, type Rig } from './iommu-fixture.ts';

const LATENCY_NS = 5000;
const MARK = 'iommu.ats-hit-during-iotlb-inv';

function iotlbInv(addr: number, pages = 1): MessageByType<'cmd.iotlbInv'> {
  return { type: 'cmd.iotlbInv', did: 0, pasidPresent: true, pasid: 7, addr, pages };
}

/** Pages 2 and 3 of asid 0 mapped at version 1 and cached in the IOTLB; then the guest unmaps page 3 (version 2). */
function primed(over: Parameters<typeof rig>[0] = {}): Rig {
  const r = rig(over);
  for (const page of [2, 3]) r.setPte(0, page, pte(true, true, true, 1));
  for (const page of [2, 3]) r.send(atsReq({ addr: page * 4096, tag: page }));
  r.ctx.take();
  r.setPte(0, 3, pte(false, false, false, 2));
  return r;
}

function advance(r: Rig, toNs: number): void {
  r.ctx.nowNs = toNs;
  for (const m of r.ctx.dueTimers()) r.send(m);
}

function atsVersions(r: Rig): (number | false)[] {
  return r.ctx.take('iommu->dev').map((m) => m.type === 'pci.atsCpl' && (m.r ? m.version : -m.version));
}

describe('iommu IOTLB invalidation latency', () => {
  it('0 (the default): the invalidation takes effect at once, the queue runs straight on, no timer', () => {
    const r = primed();
    r.send(iotlbInv(0x3000));
    r.send(devtlbInv(0x3000));
    r.send({ type: 'cmd.wait', tag: 1 });
    expect(iotlbKeys(r.s.iotlb, r.s.spaceList)).toEqual(['256/7/2']);
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ type: 'pci.atcInv', addr: 0x3000, itag: 0 }]);
    expect(r.ctx.timers).toEqual([]);
    expect(r.s.cmdQueue.map((m) => m.type)).toEqual(['cmd.wait']);
    expect(r.s.n).toMatchObject({ iotlbInvalidations: 1, iotlbEntriesInvalidated: 1, iotlbInvsTimed: 0, atsHitsDuringIotlbInv: 0 });
    expect(r.s.iotlbInvRunning).toBeNull();
  });

  it('holds the queue head for iotlbInvLatencyNs; later commands wait, then run when it takes effect', () => {
    const r = primed({ iotlbInvLatencyNs: LATENCY_NS });
    r.send(iotlbInv(0x3000));
    r.send(devtlbInv(0x3000));
    r.send({ type: 'cmd.wait', tag: 1 });
    expect(r.ctx.take()).toEqual([]);
    expect(r.ctx.timers).toEqual([{ atNs: LATENCY_NS, msg: { type: 'iommu.iotlbInvDone' } }]);
    expect(r.s.cmdQueue.map((m) => m.type)).toEqual(['cmd.iotlbInv', 'cmd.devtlbInv', 'cmd.wait']);
    expect(iommuActor.pending!(r.s)).toBe(3);
    expect(r.s.n).toMatchObject({ iotlbInvalidations: 0, iotlbInvsTimed: 1 });

    advance(r, LATENCY_NS - 1);
    expect(r.ctx.take()).toEqual([]);
    advance(r, LATENCY_NS);
    expect(iotlbKeys(r.s.iotlb, r.s.spaceList)).toEqual(['256/7/2']);
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ type: 'pci.atcInv', addr: 0x3000, itag: 0 }]);
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 1 });
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 1, status: 0 }]);
    expect(r.s.cmdQueue).toEqual([]);
    expect(r.s.iotlbInvRunning).toBeNull();
    expect(r.s.n).toMatchObject({ iotlbInvalidations: 1, iotlbEntriesInvalidated: 1, waitsDone: 1 });
  });

  it('answers ATS from the old IOTLB entries while the invalidation runs (marked only inside its range), and walks after', () => {
    const r = primed({ iotlbInvLatencyNs: LATENCY_NS });
    r.send(iotlbInv(0x3000));
    r.send(atsReq({ addr: 0x3000, tag: 10 }));
    r.send(atsReq({ addr: 0x2000, tag: 11 }));
    expect(atsVersions(r)).toEqual([1, 1]); // page 3 unmapped in guest.s1, still answered from the IOTLB
    expect(r.s.n.atsHitsDuringIotlbInv).toBe(1);
    expect(r.ctx.marks.get(MARK)).toBe(1);

    advance(r, LATENCY_NS);
    r.send(atsReq({ addr: 0x3000, tag: 12 }));
    expect(atsVersions(r)).toEqual([-2]); // a walk: not present, R=W=0
    expect(r.s.n.atsHitsDuringIotlbInv).toBe(1);
  });

  it('a whole-space invalidation (pages 0) covers every page of its DID only', () => {
    const r = primed({ iotlbInvLatencyNs: LATENCY_NS });
    r.setPte(1, 4, pte(true, true, true, 1));
    r.send(atsReq({ rid: 0x200, pasidPresent: false, pasid: 0, addr: 0x4000, tag: 20 }));
    r.send(iotlbInv(0, 0));
    r.send(atsReq({ addr: 0x2000, tag: 21 }));
    r.send(atsReq({ rid: 0x200, pasidPresent: false, pasid: 0, addr: 0x4000, tag: 22 }));
    expect(r.s.n.atsHitsDuringIotlbInv).toBe(1);
    advance(r, LATENCY_NS);
    expect(iotlbKeys(r.s.iotlb, r.s.spaceList)).toEqual(['512/-/4']);
  });

  it('runs queued IOTLB invalidations one after another, each for its own time', () => {
    const r = primed({ iotlbInvLatencyNs: LATENCY_NS });
    r.send(iotlbInv(0x2000));
    r.send(iotlbInv(0x3000));
    r.send({ type: 'cmd.wait', tag: 4 });
    advance(r, LATENCY_NS);
    expect(iotlbKeys(r.s.iotlb, r.s.spaceList)).toEqual(['256/7/3']);
    expect(r.ctx.timers).toEqual([{ atNs: 2 * LATENCY_NS, msg: { type: 'iommu.iotlbInvDone' } }]);
    expect(r.ctx.take('iommu->host')).toEqual([]);
    advance(r, 2 * LATENCY_NS);
    expect(iotlbKeys(r.s.iotlb, r.s.spaceList)).toEqual([]);
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 4, status: 0 }]);
    expect(r.s.n).toMatchObject({ iotlbInvalidations: 2, iotlbInvsTimed: 2 });
  });

  it('R18 window: a device-TLB invalidation sent first completes while the IOTLB one runs; the wait still waits for it', () => {
    const r = primed({ iotlbInvLatencyNs: LATENCY_NS });
    r.send(devtlbInv(0x3000));
    r.send(iotlbInv(0x3000));
    r.send({ type: 'cmd.wait', tag: 2 });
    expect(r.ctx.take('iommu->dev')).toMatchObject([{ type: 'pci.atcInv', addr: 0x3000, itag: 0 }]);
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 1 });
    expect(r.ctx.take('iommu->host')).toEqual([]);
    // The device missed in its ATC and re-translates: the old IOTLB entry answers.
    r.send(atsReq({ addr: 0x3000, tag: 30 }));
    expect(atsVersions(r)).toEqual([1]);
    expect(r.ctx.marks.get(MARK)).toBe(1);
    advance(r, LATENCY_NS);
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'cmd.waitDone', tag: 2, status: 0 }]);
  });

  it('shows the counters in the tier stats', () => {
    const r = primed({ iotlbInvLatencyNs: LATENCY_NS });
    r.send(iotlbInv(0x3000));
    r.send(atsReq({ addr: 0x3000, tag: 40 }));
    const inv = (iommuActor.stats!(r.s) as { invalidations: Record<string, number> }).invalidations;
    expect(inv).toMatchObject({ iotlb: 0, iotlbTimed: 1, atsHitsDuringIotlbInv: 1, commandsQueued: 1 });
  });
});
