// iommufd setup: the scripted call sequence (every hwpt first, then the attaches), one call at
// a time and ahead of fault I/O, and failures as counted values.

import { describe, expect, it } from 'vitest';
import { hwptAllocFlag, NO_PASID, ufdOp } from '../../../src/protocol/iommufd.ts';
import { vmmActor } from '../../../actors/vmm/vmm.actor.ts';
import { FAULT_FD, FAULT_ID, vmmRig } from './vmm-fixture.ts';

describe('vmm iommufd setup', () => {
  it('allocates the fault queue, then per space a nested hwpt with the fault_id, then attaches every space, one call at a time', () => {
    const r = vmmRig();
    r.send({ type: 'sys.start' });
    const seen: unknown[] = [];
    const step = (ret: number, out0: number, out1 = 0) => {
      const sent = r.ctx.take('vmm->host');
      expect(sent).toHaveLength(1);
      const c = sent[0]!;
      if (c.type !== 'ufd.call') throw new Error('expected a call');
      seen.push([c.seq, c.op, c.a0, c.a1, c.a2, c.a3]);
      r.ret(ret, out0, out1);
    };
    step(0, FAULT_ID, FAULT_FD);
    step(0, 41);
    step(0, 42);
    step(0, 0);
    step(0, 0);
    expect(r.ctx.take('vmm->host')).toEqual([]);
    expect(seen).toEqual([
      [1, ufdOp.FAULT_QUEUE_ALLOC, 0, 0, 0, 0],
      [2, ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, FAULT_ID],
      [3, ufdOp.HWPT_ALLOC, 2, 0, hwptAllocFlag.FAULT_ID_VALID, FAULT_ID],
      [4, ufdOp.ATTACH, 1, 41, 7, 0],
      [5, ufdOp.ATTACH, 2, 42, NO_PASID, 0],
    ]);
    expect(r.s.setup).toBe('done');
    expect(r.ctx.marks.get('vmm.setupDone')).toBe(1);
    expect(vmmActor.pending!(r.s)).toBe(0);
  });

  it('stops setup when the fault queue cannot be allocated, counting the error', () => {
    const r = vmmRig();
    r.send({ type: 'sys.start' });
    r.ctx.take();
    r.ret(-95);
    expect(r.ctx.take()).toEqual([]);
    expect(r.s.setup).toBe('failed');
    expect(r.s.n.setupErrors).toBe(1);
    expect(r.s.syscallErrorsByOp).toEqual({ FAULT_QUEUE_ALLOC: 1 });
    expect(r.s.errnos).toEqual({ EOPNOTSUPP: 1 });
    expect(r.ctx.marks.get('vmm.setupFailed')).toBe(1);
  });

  it('skips the attach of a space whose hwpt allocation failed and goes on with the next space', () => {
    const r = vmmRig();
    r.send({ type: 'sys.start' });
    r.ret(0, FAULT_ID, FAULT_FD);
    r.ctx.take();
    r.ret(-2);
    const next = r.lastCall();
    expect([next.op, next.a0]).toEqual([ufdOp.HWPT_ALLOC, 2]);
    r.ret(0, 42);
    expect(r.lastCall()).toMatchObject({ op: ufdOp.ATTACH, a0: 2, a1: 42 });
    r.ret(0);
    expect(r.s.setup).toBe('done');
    expect(r.s.n.setupErrors).toBe(1);
    expect(r.s.errnos).toEqual({ ENOENT: 1 });
    expect(r.s.syscallsByOp).toEqual({ FAULT_QUEUE_ALLOC: 1, HWPT_ALLOC: 2, ATTACH: 1 });
  });

  it('runs the remaining setup calls ahead of a fault read queued meanwhile', () => {
    const r = vmmRig();
    r.send({ type: 'sys.start' });
    r.ret(0, FAULT_ID, FAULT_FD);
    // The fd exists now: a pollin during setup queues a read behind the HWPT_ALLOC in flight.
    r.send({ type: 'ufd.pollin', fd: FAULT_FD });
    const ops: number[] = [];
    while (r.s.inFlight !== null) {
      ops.push(r.s.inFlight.op);
      r.ret(0, 40 + ops.length);
    }
    expect(ops).toEqual([ufdOp.HWPT_ALLOC, ufdOp.HWPT_ALLOC, ufdOp.ATTACH, ufdOp.ATTACH, ufdOp.READ]);
    expect(r.s.setup).toBe('done');
  });
});
