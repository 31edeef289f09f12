// PRQ registers as the host sees them: reads answered after every earlier descriptor, PQH
// frees room, PRS write-1-to-clear re-enables reporting.

import { describe, expect, it } from 'vitest';
import { pageReq, rig } from './iommu-fixture.ts';

const PQH = 0xc0;
const PQT = 0xc8;
const PRS = 0xdc;

describe('iommu PRQ registers', () => {
  it('answers a PQT read after every descriptor written before it, on the same channel', () => {
    const r = rig({ prqEntries: 8 });
    r.send(pageReq({ last: false }));
    r.send(pageReq({ last: true }));
    r.send({ type: 'mmio.read', reg: PQT, tag: 3 });
    expect(r.ctx.take('iommu->host').map((m) => m.type)).toEqual(['prq.desc', 'prq.irq', 'prq.desc', 'mmio.readResult']);
    r.send({ type: 'mmio.read', reg: PRS, tag: 4 });
    r.send({ type: 'mmio.read', reg: PQH, tag: 5 });
    expect(r.ctx.take('iommu->host')).toEqual([
      { type: 'mmio.readResult', reg: PRS, tag: 4, value: 1 },
      { type: 'mmio.readResult', reg: PQH, tag: 5, value: 0 },
    ]);
  });

  it('keeps the read behind descriptors a refusing channel held back (outbox FIFO)', () => {
    const r = rig({ prqEntries: 8 });
    r.ctx.full.add('iommu->host');
    r.send(pageReq());
    r.send({ type: 'mmio.read', reg: PQT, tag: 1 });
    expect(r.ctx.take()).toEqual([]);
    expect(r.s.outboxes.byChannel['iommu->host']?.map((m) => m.type)).toEqual(['prq.desc', 'prq.irq', 'mmio.readResult']);
    r.ctx.full.delete('iommu->host');
    r.send({ type: 'sys.writable', channel: 'iommu->host' });
    expect(r.ctx.take('iommu->host')).toMatchObject([{ type: 'prq.desc' }, { type: 'prq.irq' }, { type: 'mmio.readResult', value: 1 }]);
  });

  it('re-enables reporting after the consumer moves PQH and clears PRO', () => {
    const r = rig({ prqEntries: 2 });
    r.send(pageReq({ last: false }));
    r.send(pageReq({ last: false }));
    expect(r.s.prq.pro).toBe(true);
    r.send({ type: 'mmio.write', reg: PQH, value: 1 });
    r.send({ type: 'mmio.write', reg: PRS, value: 3 });
    r.ctx.take();
    r.send(pageReq({ last: false }));
    expect(r.ctx.take('iommu->host').map((m) => m.type)).toEqual(['prq.desc', 'prq.irq']);
  });

  it('counts writes to PQT and accesses to unknown registers (which read as 0)', () => {
    const r = rig();
    r.send({ type: 'mmio.write', reg: PQT, value: 3 });
    r.send({ type: 'mmio.read', reg: 0x40, tag: 2 });
    expect(r.ctx.take()).toEqual([{ type: 'mmio.readResult', reg: 0x40, tag: 2, value: 0 }]);
    expect(r.s.n).toMatchObject({ registerWritesReadOnly: 1, registerUnknown: 1 });
    expect(r.s.prq.tail).toBe(0);
  });
});
