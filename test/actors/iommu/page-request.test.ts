// Page requests: PRI-disabled requesters (PRE off until cmd.ctxPri, which also writes the
// device's PRI Control), the PRQ producer rules as seen on the channels, overflow
// auto-responses and Stop Markers.

import { describe, expect, it } from 'vitest';
import { iommuStats } from '../../../actors/iommu/iommu.actor.ts';
import { encodePageRequest } from '../../../src/protocol/layouts.ts';
import { devtlbInv, pageReq, rig, RID_A, RID_B } from './iommu-fixture.ts';

describe('iommu page requests', () => {
  it('queues a request as its exact VT-d descriptor with the ghost, and raises the interrupt once', () => {
    const r = rig({ prqEntries: 8 });
    r.send(pageReq({ last: false, ghost: 1 }));
    r.send(pageReq({ last: true, ghost: 1 }));
    const d = encodePageRequest(pageReq({ last: false }));
    const d2 = encodePageRequest(pageReq({ last: true }));
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'prq.desc', ...d, ghost: 1 }, { type: 'prq.irq' }, { type: 'prq.desc', ...d2, ghost: 1 }]);
    expect(r.s.n).toMatchObject({ prqQueued: 2, irqsRaised: 1 });
  });

  it('answers a PRI-disabled requester Invalid only for a last request', () => {
    const r = rig({ functions: [] });
    r.send(pageReq({ last: false }));
    expect(r.ctx.take()).toEqual([]);
    r.send(pageReq({ last: true, prgi: 9 }));
    expect(r.ctx.take()).toEqual([{ type: 'pci.prgResp', rid: RID_A, pasidPresent: false, pasid: 0, prgi: 9, code: 1 }]);
    expect(r.s.n).toMatchObject({ dropPriDisabled: 2, autoResponseInvalid: 1, prqQueued: 0 });
  });

  it('never answers a Stop Marker from a PRI-disabled requester', () => {
    const r = rig({ functions: [] });
    r.send(pageReq({ rd: false, wr: false, last: true }));
    expect(r.ctx.take()).toEqual([]);
    expect(r.s.n.dropPriDisabled).toBe(1);
  });

  it('turns PRI off and on per requester with the context PRE bit (cmd.ctxPri), writing the device PRI Control each time', () => {
    const r = rig();
    r.send({ type: 'cmd.ctxPri', rid: RID_A, enable: false });
    r.send(pageReq());
    expect(r.ctx.take()).toEqual([
      { type: 'pci.priCtl', rid: RID_A, enable: false },
      { type: 'pci.prgResp', rid: RID_A, code: 1, pasidPresent: true, pasid: 7, prgi: 5 },
    ]);
    r.send({ type: 'cmd.ctxPri', rid: RID_A, enable: true });
    r.send(pageReq());
    expect(r.ctx.take('iommu->dev')).toEqual([{ type: 'pci.priCtl', rid: RID_A, enable: true }]);
    expect(r.ctx.take('iommu->host').map((m) => m.type)).toEqual(['prq.desc', 'prq.irq']);
    expect(iommuStats(r.s).pre).toEqual({ enabled: 2, enables: 3, disables: 1 });
  });

  it('starts with PRE clear for every function: page requests are refused until the host enables IOPF', () => {
    const r = rig({}, false);
    r.send(pageReq({ last: false }));
    r.send(pageReq({ rid: RID_B, pasidPresent: false, pasid: 0, prgi: 9 }));
    expect(r.ctx.take()).toEqual([{ type: 'pci.prgResp', rid: RID_B, pasidPresent: false, pasid: 0, prgi: 9, code: 1 }]);
    expect(r.s.n).toMatchObject({ dropPriDisabled: 2, prqQueued: 0, autoResponseInvalid: 1 });
    expect(iommuStats(r.s).pre).toEqual({ enabled: 0, enables: 0, disables: 0 });
  });

  it('runs cmd.ctxPri in command-queue order: behind a stalled device-TLB invalidation', () => {
    const r = rig({ itagsMax: 1 }, false);
    r.send(devtlbInv(0x1000));
    r.send(devtlbInv(0x2000));
    r.send({ type: 'cmd.ctxPri', rid: RID_A, enable: true });
    expect(r.ctx.take('iommu->dev').map((m) => m.type)).toEqual(['pci.atcInv']);
    expect(r.s.priEnabled[RID_A]).toBe(false);
    r.send({ type: 'pci.atcInvCpl', rid: RID_A, itagVector: 1, cc: 1 });
    expect(r.ctx.take('iommu->dev').map((m) => m.type)).toEqual(['pci.atcInv', 'pci.priCtl']);
    expect(r.s.priEnabled[RID_A]).toBe(true);
  });

  it('on a full PRQ sets PRO, drops, and auto-answers a dropped last request with Success (PASID per the required rule)', () => {
    const r = rig({ prqEntries: 2 });
    r.send(pageReq({ last: false }));
    r.ctx.take();
    r.send(pageReq({ last: true, prgi: 5 }));
    r.send(pageReq({ rid: RID_B, pasidPresent: true, pasid: 3, last: true, prgi: 6 }));
    expect(r.ctx.take()).toEqual([
      { type: 'pci.prgResp', rid: RID_A, pasidPresent: true, pasid: 7, prgi: 5, code: 0 },
      { type: 'pci.prgResp', rid: RID_B, pasidPresent: false, pasid: 0, prgi: 6, code: 0 },
    ]);
    expect(r.s.prq.pro).toBe(true);
    expect(r.s.n).toMatchObject({ dropFull: 1, dropOverflow: 1, autoResponseSuccess: 2 });
  });

  it('drops a non-last request silently on overflow, and honours overflowAutoResponse none/invalid', () => {
    const none = rig({ prqEntries: 2, overflowAutoResponse: 'none' });
    none.send(pageReq({ last: false }));
    none.ctx.take();
    none.send(pageReq({ last: false }));
    none.send(pageReq({ last: true }));
    expect(none.ctx.take()).toEqual([]);
    expect(none.s.n).toMatchObject({ dropFull: 1, dropOverflow: 1, autoResponseSuccess: 0 });
    const inv = rig({ prqEntries: 2, overflowAutoResponse: 'invalid' });
    inv.send(pageReq({ last: false }));
    inv.ctx.take();
    inv.send(pageReq({ last: true }));
    expect(inv.ctx.take()).toMatchObject([{ type: 'pci.prgResp', code: 1 }]);
  });

  it('raises the interrupt when setting PRO finds PPR clear (the consumer cleared it first)', () => {
    const r = rig({ prqEntries: 2 });
    r.send(pageReq({ last: false }));
    r.send({ type: 'mmio.write', reg: 0xdc, value: 1 });
    r.ctx.take();
    r.send(pageReq({ last: false }));
    expect(r.ctx.take('iommu->host')).toEqual([{ type: 'prq.irq' }]);
  });

  it('queues a Stop Marker when there is room, drops it silently and counted on overflow', () => {
    const r = rig({ prqEntries: 2 });
    const marker = pageReq({ rd: false, wr: false, last: true });
    r.send(marker);
    expect(r.ctx.take('iommu->host').map((m) => m.type)).toEqual(['prq.desc', 'prq.irq']);
    r.send(marker);
    r.send(marker);
    expect(r.ctx.take()).toEqual([]);
    expect(r.s.n).toMatchObject({ dropStopMarkerOnOverflow: 2, dropFull: 0, dropOverflow: 0, autoResponseSuccess: 0 });
  });
});
