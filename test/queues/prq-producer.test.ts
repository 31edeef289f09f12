// The VT-d PRQ producer rules: full with one unused slot, PRO and overflow drops, the
// interrupt rule, auto-responses for last requests only, Stop Markers, W1C, register reads.

import { describe, expect, it } from 'vitest';
import { prgCode, prsBit, vtdReg } from '../../src/protocol/iopf.ts';
import { encodePageRequest, type PageRequestFields } from '../../src/protocol/layouts.ts';
import { createPrqProducer, prqEnqueue, prqIsFull, prqOccupancy, prqReadRegister, prqWriteRegister } from '../../src/queues/prq-producer.ts';

const base: PageRequestFields = { rid: 0x10, pasidPresent: true, pasid: 5, exe: false, priv: false, rd: true, wr: false, last: false, prgi: 3, addr: 0x4000 };
const nonLast = encodePageRequest(base);
const last = encodePageRequest({ ...base, last: true });
const stopMarker = encodePageRequest({ ...base, rd: false, wr: false, last: true });

describe('prq producer', () => {
  it('is full at entries-1 descriptors: one slot stays unused', () => {
    const q = createPrqProducer(4);
    for (let i = 0; i < 3; i++) expect(prqEnqueue(q, nonLast, 'success').kind).toBe('queued');
    expect(prqOccupancy(q)).toBe(3);
    expect(prqIsFull(q)).toBe(true);
    expect(prqEnqueue(q, nonLast, 'success')).toEqual({ kind: 'dropped', reason: 'full', stopMarker: false, autoResponseCode: null, raiseIrq: false });
    expect(q.pro).toBe(true);
    expect(q.tail).toBe(3);
  });

  it('drops every request while PRO is set, even after the consumer made room', () => {
    const q = createPrqProducer(4);
    for (let i = 0; i < 4; i++) prqEnqueue(q, nonLast, 'success');
    prqWriteRegister(q, vtdReg.PQH, 3);
    expect(prqOccupancy(q)).toBe(0);
    expect(prqEnqueue(q, nonLast, 'success')).toMatchObject({ kind: 'dropped', reason: 'overflow' });
    prqWriteRegister(q, vtdReg.PRS, prsBit.PRO);
    expect(prqEnqueue(q, nonLast, 'success')).toEqual({ kind: 'queued', slot: 3, raiseIrq: false });
  });

  it('raises the interrupt only when PPR and PRO were both clear', () => {
    const q = createPrqProducer(8);
    expect(prqEnqueue(q, nonLast, 'success')).toEqual({ kind: 'queued', slot: 0, raiseIrq: true });
    expect(prqEnqueue(q, nonLast, 'success')).toEqual({ kind: 'queued', slot: 1, raiseIrq: false });
    prqWriteRegister(q, vtdReg.PRS, prsBit.PPR);
    expect(prqEnqueue(q, nonLast, 'success')).toEqual({ kind: 'queued', slot: 2, raiseIrq: true });
    // PRO set but PPR clear (the consumer cleared PPR first): nothing is queued, so no event.
    q.ppr = false;
    q.pro = true;
    expect(prqEnqueue(q, nonLast, 'success')).toMatchObject({ kind: 'dropped', reason: 'overflow', raiseIrq: false });
  });

  it('setting PRO on full raises the interrupt only when PPR was clear', () => {
    const a = createPrqProducer(2);
    prqEnqueue(a, nonLast, 'success');
    expect(prqEnqueue(a, nonLast, 'success')).toMatchObject({ kind: 'dropped', reason: 'full', raiseIrq: false });
    const b = createPrqProducer(2);
    prqEnqueue(b, nonLast, 'success');
    prqWriteRegister(b, vtdReg.PRS, prsBit.PPR);
    expect(prqEnqueue(b, nonLast, 'success')).toMatchObject({ kind: 'dropped', reason: 'full', raiseIrq: true });
  });

  it('auto-responds only to a dropped last request, with the configured code', () => {
    const q = createPrqProducer(2);
    prqEnqueue(q, nonLast, 'success');
    expect(prqEnqueue(q, last, 'success')).toMatchObject({ reason: 'full', autoResponseCode: prgCode.SUCCESS });
    expect(prqEnqueue(q, last, 'invalid')).toMatchObject({ reason: 'overflow', autoResponseCode: prgCode.INVALID });
    expect(prqEnqueue(q, last, 'none')).toMatchObject({ reason: 'overflow', autoResponseCode: null });
    expect(prqEnqueue(q, nonLast, 'success')).toMatchObject({ reason: 'overflow', autoResponseCode: null });
  });

  it('queues a Stop Marker when there is room and drops it silently on overflow', () => {
    const q = createPrqProducer(2);
    expect(prqEnqueue(q, stopMarker, 'success')).toEqual({ kind: 'queued', slot: 0, raiseIrq: true });
    expect(prqEnqueue(q, stopMarker, 'success')).toEqual({ kind: 'dropped', reason: 'full', stopMarker: true, autoResponseCode: null, raiseIrq: false });
  });

  it('clears PPR and PRO write-1-to-clear, independently', () => {
    const q = createPrqProducer(4);
    q.ppr = true;
    q.pro = true;
    prqWriteRegister(q, vtdReg.PRS, 0);
    expect(prqReadRegister(q, vtdReg.PRS)).toBe(prsBit.PPR | prsBit.PRO);
    prqWriteRegister(q, vtdReg.PRS, prsBit.PRO);
    expect(prqReadRegister(q, vtdReg.PRS)).toBe(prsBit.PPR);
    prqWriteRegister(q, vtdReg.PRS, prsBit.PPR | prsBit.PRO);
    expect(prqReadRegister(q, vtdReg.PRS)).toBe(0);
  });

  it('reads PQT as the next slot and PQH as the last head written; PQT is read-only', () => {
    const q = createPrqProducer(4);
    prqEnqueue(q, nonLast, 'success');
    prqEnqueue(q, nonLast, 'success');
    expect(prqReadRegister(q, vtdReg.PQT)).toBe(2);
    expect(prqWriteRegister(q, vtdReg.PQT, 0)).toBe('readOnly');
    expect(prqReadRegister(q, vtdReg.PQT)).toBe(2);
    expect(prqWriteRegister(q, vtdReg.PQH, 2)).toBe('ok');
    expect(prqReadRegister(q, vtdReg.PQH)).toBe(2);
    expect(prqReadRegister(q, 0x123)).toBeNull();
    expect(prqWriteRegister(q, 0x123, 1)).toBe('unknownRegister');
  });

  it('wraps the tail around the ring', () => {
    const q = createPrqProducer(4);
    for (let i = 0; i < 3; i++) prqEnqueue(q, nonLast, 'success');
    prqWriteRegister(q, vtdReg.PQH, 3);
    expect(prqEnqueue(q, nonLast, 'success')).toMatchObject({ kind: 'queued', slot: 3 });
    expect(prqEnqueue(q, nonLast, 'success')).toMatchObject({ kind: 'queued', slot: 0 });
    expect(prqReadRegister(q, vtdReg.PQT)).toBe(1);
  });
});
