// The VMM's timeline reconfigurations (actors/vmm/reconfigure.ts): the QEMU call sequences,
// and forgetting the cookies the host auto-answered or whose fd was closed.

import { describe, expect, it } from 'vitest';
import { hwptAllocFlag, NO_PASID, ufdOp } from '../../../src/protocol/iommufd.ts';
import { FAULT_FD, FAULT_ID, guestResp, HWPT_BASE, record, vmmRig, writesIn } from './vmm-fixture.ts';

const at = (action: 'replaceHwpt' | 'destroyHwpt' | 'closeFaultFd', rid: number | null, pasid: number | null) => ({ atNs: 1000, action, rid, pasid, count: 1 });

describe('vmm timeline reconfigurations', () => {
  it('replaceHwpt: new FAULTQ, new nested hwpt on it, REPLACE, DESTROY of the old hwpt; the shared FAULTQ stays', () => {
    const r = vmmRig({ events: [at('replaceHwpt', 0x100, 7)] });
    r.setUp();
    expect(r.ctx.timers.map((t) => t.msg)).toEqual([{ type: 'vmm.event', index: 0 }]);
    r.deliver([record({ cookie: 4, grpid: 3 })]);
    expect(r.s.faults.map((f) => f.cookie)).toEqual([4]);
    r.ctx.take();
    r.send({ type: 'vmm.event', index: 0 });
    expect(r.lastCall()).toMatchObject({ op: ufdOp.FAULT_QUEUE_ALLOC });
    r.ret(0, 60, 11);
    expect(r.lastCall()).toMatchObject({ op: ufdOp.HWPT_ALLOC, a0: 1, a1: 0, a2: hwptAllocFlag.FAULT_ID_VALID, a3: 60 });
    r.ret(0, 61);
    expect(r.lastCall()).toMatchObject({ op: ufdOp.REPLACE, a0: 1, a1: 61, a2: 7 });
    // The guest answers while the REPLACE is in flight: queued as a WRITE, dropped when REPLACE returns.
    r.send(guestResp(0x10, 7, 3, 0));
    expect(r.s.callQueue.map((c) => c.op)).toEqual([ufdOp.WRITE]);
    r.ret(0);
    expect(r.s.faults).toEqual([]);
    expect(r.s.reconf.n).toMatchObject({ recordsDropped: 1 });
    expect(r.lastCall()).toMatchObject({ op: ufdOp.DESTROY, a0: HWPT_BASE });
    r.ret(0);
    // The old FAULTQ still serves the other space: not closed.
    expect(r.s.inFlight).toBeNull();
    expect(r.s.hwpts[0]).toBe(61);
    expect(r.s.spaceFault[0]).toEqual({ faultId: 60, fd: 11 });
    expect(r.s.faultFds).toEqual([FAULT_FD, 11]);
    expect(r.ctx.marks.get('vmm.replace-done')).toBe(1);
    // Groups of the new FAULTQ are read from its fd and answered there.
    r.send({ type: 'ufd.pollin', fd: 11 });
    expect(r.lastCall()).toMatchObject({ op: ufdOp.READ, a0: 11 });
  });

  it('replacing a space again closes and destroys its per-entry FAULTQ, after the moves', () => {
    const r = vmmRig({ events: [at('replaceHwpt', 0x100, 7), at('replaceHwpt', 0x100, 7)] });
    r.setUp();
    r.send({ type: 'vmm.event', index: 0 });
    const ops: number[] = [];
    const answers: [number, number?, number?][] = [[0, 60, 11], [0, 61], [0], [0], [0, 70, 12], [0, 71], [0], [0], [0], [0]];
    r.send({ type: 'vmm.event', index: 1 });
    for (const a of answers) {
      ops.push(r.lastCall().op);
      r.ret(...a);
    }
    expect(ops).toEqual([ufdOp.FAULT_QUEUE_ALLOC, ufdOp.HWPT_ALLOC, ufdOp.REPLACE, ufdOp.DESTROY, ufdOp.FAULT_QUEUE_ALLOC, ufdOp.HWPT_ALLOC, ufdOp.REPLACE, ufdOp.DESTROY, ufdOp.CLOSE, ufdOp.DESTROY]);
    expect(r.s.faultFds).toEqual([FAULT_FD, 12]);
    expect(r.s.reconf.n.jobsDone).toBe(2);
  });

  it('closeFaultFd: close first (cookies forgotten, reads stop), then every space parked on the nesting parent, hwpts and the fault destroyed', () => {
    const r = vmmRig({ events: [at('closeFaultFd', null, null)] });
    r.setUp();
    r.deliver([record({ cookie: 4, grpid: 3 })]);
    r.ctx.take();
    r.send({ type: 'vmm.event', index: 0 });
    const calls: [number, number, number, number][] = [];
    while (r.s.inFlight !== null) {
      const c = r.lastCall();
      calls.push([c.op, c.a0, c.a1, c.a2]);
      r.ret(0);
    }
    expect(calls).toEqual([
      [ufdOp.CLOSE, FAULT_FD, 0, 0],
      [ufdOp.REPLACE, 1, 0, 7],
      [ufdOp.DESTROY, HWPT_BASE, 0, 0],
      [ufdOp.REPLACE, 2, 0, NO_PASID],
      [ufdOp.DESTROY, HWPT_BASE + 1, 0, 0],
      [ufdOp.DESTROY, FAULT_ID, 0, 0],
    ]);
    expect(r.s.faults).toEqual([]);
    expect(r.s.hwpts).toEqual({});
    // The guest's late answer finds no pair; a pollin of the closed fd is not read.
    r.send(guestResp(0x10, 7, 3, 0));
    r.send({ type: 'ufd.pollin', fd: FAULT_FD });
    expect(r.s.inFlight).toBeNull();
    expect(r.s.n.unmatchedGuestResponses).toBe(1);
  });

  it("destroyHwpt: DETACH then DESTROY; the space's pairs are forgotten, the other space's kept", () => {
    const r = vmmRig({ events: [at('destroyHwpt', 0x200, null)] });
    r.setUp();
    r.deliver([record({ cookie: 4, grpid: 3 }), record({ cookie: 5, devId: 2, flags: 2, pasid: 0, grpid: 8 })]);
    r.ctx.take();
    r.send({ type: 'vmm.event', index: 0 });
    expect(r.lastCall()).toMatchObject({ op: ufdOp.DETACH, a0: 2, a1: NO_PASID });
    r.ret(0);
    expect(r.s.faults.map((f) => f.cookie)).toEqual([4]);
    expect(r.lastCall()).toMatchObject({ op: ufdOp.DESTROY, a0: HWPT_BASE + 1 });
    r.ret(0);
    expect(r.s.inFlight).toBeNull();
  });

  it('a guest Response Failure is written Invalid by default, and as code 2 with vmm-failure-passthrough (refused: counted)', () => {
    for (const [bugs, code] of [
      [[], 1],
      [['vmm-failure-passthrough'], 2],
    ] as const) {
      const r = vmmRig({ bugs: [...bugs] });
      r.setUp();
      r.deliver([record({ cookie: 4, grpid: 3 })]);
      r.ctx.take();
      r.send(guestResp(0x10, 7, 3, 0xf));
      expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[4, code]], count: 8 }]);
      r.ret(code === 2 ? -22 : 8);
      expect(r.s.reconf.n.failureCodesRejected).toBe(code === 2 ? 1 : 0);
    }
  });
});
