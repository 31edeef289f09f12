// Guest page group responses → iommufd writes: cookie matching (exact vs the PRGI-only bug
// toggle), Response Failure mapping, unmatched responses, write errors, vPRQ registers.

import { describe, expect, it } from 'vitest';
import { vmmActor } from '../../../actors/vmm/vmm.actor.ts';
import { pgfaultFlag, ufdOp } from '../../../src/protocol/iommufd.ts';
import { encodePageRequest } from '../../../src/protocol/layouts.ts';
import { guestResp, record, vmmRig, writesIn } from './vmm-fixture.ts';

describe('vmm guest responses', () => {
  it('answers the remembered group by (vRID → dev_id, vPASID → PASID, PRGI) with one write', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ grpid: 5, cookie: 11 }), record({ devId: 2, flags: pgfaultFlag.LAST_PAGE, pasid: 0, grpid: 5, cookie: 12 })]);
    r.ctx.take();
    r.send(guestResp(0x18, null, 5, 0));
    const seq = r.s.inFlight!.seq;
    expect(r.ctx.take('vmm->host')).toEqual([
      { type: 'ufd.writeRec', seq, cookie: 12, code: 0 },
      { type: 'ufd.call', seq, op: ufdOp.WRITE, a0: 9, a1: 8, a2: 0, a3: 0 },
    ]);
    expect(r.s.faults.map((f) => f.cookie)).toEqual([11]);
  });

  it('with exact matching answers only the oldest of two groups sharing a PRGI', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ grpid: 5, cookie: 1 }), record({ grpid: 5, cookie: 2 })]);
    r.ctx.take();
    r.send(guestResp(0x10, 7, 5, 0));
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[1, 0]], count: 8 }]);
    r.ret(8);
    r.send(guestResp(0x10, 7, 5, 1));
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[2, 1]], count: 8 }]);
  });

  it('with vmm-prgi-only-match answers every remembered group with that PRGI at once (R20)', () => {
    const r = vmmRig({ bugs: ['vmm-prgi-only-match'] });
    r.setUp();
    r.deliver([record({ grpid: 5, cookie: 1 }), record({ grpid: 5, cookie: 2 }), record({ grpid: 6, cookie: 3 })]);
    r.ctx.take();
    r.send(guestResp(0x10, 7, 5, 0));
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([
      {
        records: [
          [1, 0],
          [2, 0],
        ],
        count: 16,
      },
    ]);
    expect(r.s.faults.map((f) => f.cookie)).toEqual([3]);
    expect(r.s.n.pairsAnswered).toBe(2);
  });

  it('maps a guest Response Failure to guestFailureMapsTo (default Invalid)', () => {
    const inv = vmmRig();
    inv.setUp();
    inv.deliver([record({ cookie: 1 })]);
    inv.ctx.take();
    inv.send(guestResp(0x10, 7, 5, 0xf));
    expect(writesIn(inv.ctx.take('vmm->host'))).toEqual([{ records: [[1, 1]], count: 8 }]);
    expect(inv.s.n.guestFailures).toBe(1);
    const ok = vmmRig({ guestFailureMapsTo: 'success' });
    ok.setUp();
    ok.deliver([record({ cookie: 1 })]);
    ok.ctx.take();
    ok.send(guestResp(0x10, 7, 5, 0xf));
    expect(writesIn(ok.ctx.take('vmm->host'))).toEqual([{ records: [[1, 0]], count: 8 }]);
  });

  it('counts a guest response with no remembered group and writes nothing', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ grpid: 5, cookie: 1 })]);
    r.ctx.take();
    r.send(guestResp(0x10, 7, 6, 0));
    r.send(guestResp(0x10, 8, 5, 0));
    r.send(guestResp(0x77, 7, 5, 0));
    expect(r.ctx.take('vmm->host')).toEqual([]);
    expect(r.s.n.unmatchedGuestResponses).toBe(3);
    expect(r.s.faults).toHaveLength(1);
  });

  it('lets the guest answer a leaked dropped group by its PRGI', () => {
    const r = vmmRig({ vprqEntries: 2, bugs: ['vprq-drop-leaks-cookie'] });
    r.setUp();
    r.deliver([record({ grpid: 1, cookie: 1 }), record({ grpid: 2, cookie: 2 })]);
    r.ctx.take();
    r.send(guestResp(0x10, 7, 2, 0));
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[2, 0]], count: 8 }]);
  });

  it('counts a write the host rejects (-EINVAL) and forgets the pair anyway, as QEMU does', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ cookie: 1 })]);
    r.ctx.take();
    r.send(guestResp(0x10, 7, 5, 0));
    r.ctx.take();
    r.ret(-22);
    expect(r.s.n).toMatchObject({ writes: 1, writeErrors: 1, writeRecordsRejected: 1, writeRecordsResent: 0 });
    expect(r.s.errnos).toEqual({ EINVAL: 1 });
    expect(vmmActor.pending!(r.s)).toBe(0);
  });

  it('serialises a write behind a read in flight', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ cookie: 1 })]);
    r.send({ type: 'ufd.pollin', fd: 9 });
    r.ctx.take();
    r.send(guestResp(0x10, 7, 5, 0));
    expect(r.ctx.take('vmm->host')).toEqual([]);
    r.ret(0);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[1, 0]], count: 8 }]);
  });
});

describe('vmm vPRQ registers', () => {
  it('answers a vPQT read after the descriptors injected before it, and frees room on vPQH', () => {
    const r = vmmRig({ vprqEntries: 2 });
    r.setUp();
    r.deliver([record({ flags: pgfaultFlag.PASID_VALID, cookie: 1 })]);
    r.send({ type: 'vmmio.read', reg: 0xc8, tag: 1 });
    r.send({ type: 'vmmio.write', reg: 0xdc, value: 1 });
    r.send({ type: 'vmmio.read', reg: 0xdc, tag: 2 });
    expect(r.ctx.take('vmm->guest')).toEqual([
      { type: 'vprq.desc', ...encodePageRequest({ rid: 0x10, pasidPresent: true, pasid: 7, exe: false, priv: false, rd: true, wr: false, last: false, prgi: 5, addr: 0x3000 }), ghost: 0 },
      { type: 'vprq.irq' },
      { type: 'vmmio.readResult', reg: 0xc8, tag: 1, value: 1 },
      { type: 'vmmio.readResult', reg: 0xdc, tag: 2, value: 0 },
    ]);
    r.send({ type: 'vmmio.write', reg: 0xc0, value: 1 });
    r.deliver([record({ flags: pgfaultFlag.PASID_VALID, cookie: 2 })]);
    expect(r.ctx.take('vmm->guest').map((m) => m.type)).toEqual(['vprq.desc', 'vprq.irq']);
  });

  it('answers a guest invalidation wait and counts invalidations it does not forward yet', () => {
    const r = vmmRig();
    r.send({ type: 'vcmd.iotlbInv', did: 0, pasidPresent: true, pasid: 7, addr: 0, pages: 1 });
    r.send({ type: 'vcmd.wait', tag: 4 });
    expect(r.ctx.take()).toEqual([{ type: 'vcmd.waitDone', tag: 4, status: 0 }]);
    expect(r.s.n.guestInvalidationsNotForwarded).toBe(1);
  });
});
