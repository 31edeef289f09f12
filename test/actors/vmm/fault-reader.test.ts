// Reading the fault fd and injecting into the vPRQ: record mapping, batch continuation,
// vPRQ overflow (default answer vs the cookie-leak toggle), unmapped records.

import { describe, expect, it } from 'vitest';
import { vmmActor } from '../../../actors/vmm/vmm.actor.ts';
import { pgfaultFlag, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import { encodePageRequest } from '../../../src/protocol/layouts.ts';
import { FAULT_FD, record, vmmRig, writesIn } from './vmm-fixture.ts';

describe('vmm fault reading and vPRQ injection', () => {
  it('reads a batch of 100 records on pollin', () => {
    const r = vmmRig();
    r.setUp();
    r.send({ type: 'ufd.pollin', fd: FAULT_FD });
    expect(r.lastCall()).toMatchObject({ op: ufdOp.READ, a0: FAULT_FD, a1: 4000 });
  });

  it('maps dev_id/PASID to vRID/vPASID and injects the exact descriptor, with one interrupt', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([
      record({ flags: pgfaultFlag.PASID_VALID, perm: pgfaultPerm.READ | pgfaultPerm.WRITE | pgfaultPerm.PRIV, grpid: 3, addr: 0x5000, cookie: 4 }),
      record({ flags: pgfaultFlag.PASID_VALID | pgfaultFlag.LAST_PAGE, perm: pgfaultPerm.READ | pgfaultPerm.EXEC, grpid: 3, addr: 0x6000, cookie: 4 }),
    ]);
    const first = encodePageRequest({ rid: 0x10, pasidPresent: true, pasid: 7, exe: false, priv: true, rd: true, wr: true, last: false, prgi: 3, addr: 0x5000 });
    const second = encodePageRequest({ rid: 0x10, pasidPresent: true, pasid: 7, exe: true, priv: false, rd: true, wr: false, last: true, prgi: 3, addr: 0x6000 });
    expect(r.ctx.take('vmm->guest')).toEqual([{ type: 'vprq.desc', ...first, ghost: 0 }, { type: 'vprq.irq' }, { type: 'vprq.desc', ...second, ghost: 0 }]);
    expect(r.s.faults.map((f) => [f.devId, f.pasid, f.prgi, f.cookie, f.m.value])).toEqual([[1, 7, 3, 4, 'injected']]);
    expect(r.s.n).toMatchObject({ recordsRead: 2, descsInjected: 2, groupsInjected: 1 });
  });

  it('injects a RID-only fault without a PASID, on the function vRID', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ flags: pgfaultFlag.LAST_PAGE, devId: 2, pasid: 0, grpid: 8 })]);
    const d = encodePageRequest({ rid: 0x18, pasidPresent: false, pasid: 0, exe: false, priv: false, rd: true, wr: false, last: true, prgi: 8, addr: 0x3000 });
    expect(r.ctx.take('vmm->guest')).toMatchObject([{ type: 'vprq.desc', ...d }, { type: 'vprq.irq' }]);
    expect(r.s.faults[0]).toMatchObject({ devId: 2, pasid: null, prgi: 8 });
  });

  it('keeps reading while reads return records (level-triggered fd handler), and stops after an empty one', () => {
    const r = vmmRig({ readBatchRecords: 2 });
    r.setUp();
    r.send({ type: 'ufd.pollin', fd: FAULT_FD });
    const reply = (n: number, cookie: number) => {
      const call = r.lastCall();
      expect(call).toMatchObject({ op: ufdOp.READ, a1: 80 });
      for (let i = 0; i < n; i++) r.send({ type: 'ufd.record', seq: call.seq, ...encodeRec(cookie + i) });
      r.send({ type: 'ufd.ret', seq: call.seq, ret: n * 40, out0: 0, out1: 0 });
    };
    reply(2, 1);
    // Short: whole groups only, so more may be left behind without a new pollin edge.
    reply(1, 3);
    reply(0, 0);
    expect(r.ctx.take('vmm->host')).toEqual([]);
    expect(r.s.n).toMatchObject({ reads: 3, readsFullBatch: 1, emptyReads: 1, recordsRead: 3 });
    expect(vmmActor.pending!(r.s)).toBe(3);
  });

  it('reads once more when a pollin arrived during a read', () => {
    const r = vmmRig();
    r.setUp();
    r.send({ type: 'ufd.pollin', fd: FAULT_FD });
    const seq = r.lastCall().seq;
    r.send({ type: 'ufd.pollin', fd: FAULT_FD });
    expect(r.ctx.take('vmm->host')).toEqual([]);
    r.send({ type: 'ufd.ret', seq, ret: 0, out0: 0, out1: 0 });
    // The first read came back empty: only the pollin that arrived meanwhile asks for another.
    expect(r.lastCall()).toMatchObject({ op: ufdOp.READ, seq: seq + 1 });
    r.send({ type: 'ufd.ret', seq: seq + 1, ret: 0, out0: 0, out1: 0 });
    expect(r.ctx.take('vmm->host')).toEqual([]);
  });

  it('ignores a pollin for another fd, counted', () => {
    const r = vmmRig();
    r.setUp();
    r.send({ type: 'ufd.pollin', fd: FAULT_FD + 1 });
    expect(r.ctx.take()).toEqual([]);
    expect(r.s.n.pollinUnknownFd).toBe(1);
  });

  it('answers a last request the full vPRQ dropped right away with vprqOverflowResponse (default Success)', () => {
    const r = vmmRig({ vprqEntries: 2 });
    r.setUp();
    r.deliver([record({ grpid: 1, cookie: 1 }), record({ flags: pgfaultFlag.PASID_VALID, grpid: 2, cookie: 2 }), record({ grpid: 2, cookie: 2 })]);
    expect(r.ctx.take('vmm->guest').map((m) => m.type)).toEqual(['vprq.desc', 'vprq.irq']);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[2, 0]], count: 8 }]);
    expect(r.s.faults.map((f) => f.cookie)).toEqual([1]);
    expect(r.s.n).toMatchObject({ vprqDropFull: 1, vprqDropOverflow: 1, autoAnswers: 1, leakedCookies: 0 });
  });

  it('answers a dropped last request Invalid when vprqOverflowResponse is invalid', () => {
    const r = vmmRig({ vprqEntries: 2, vprqOverflowResponse: 'invalid' });
    r.setUp();
    r.deliver([record({ grpid: 1, cookie: 1 }), record({ grpid: 2, cookie: 2 })]);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[2, 1]], count: 8 }]);
  });

  it('with vprq-drop-leaks-cookie remembers the dropped group and never answers it (R20)', () => {
    const r = vmmRig({ vprqEntries: 2, bugs: ['vprq-drop-leaks-cookie'] });
    r.setUp();
    r.deliver([record({ grpid: 1, cookie: 1 }), record({ grpid: 2, cookie: 2 })]);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([]);
    expect(r.s.faults.map((f) => [f.cookie, f.m.value])).toEqual([
      [1, 'injected'],
      [2, 'droppedOnInject'],
    ]);
    expect(r.s.n).toMatchObject({ autoAnswers: 0, leakedCookies: 1 });
    expect(vmmActor.pending!(r.s)).toBe(2);
  });

  it('answers Invalid for a last record of an address space it does not know', () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ devId: 5, cookie: 3, flags: pgfaultFlag.PASID_VALID }), record({ devId: 5, cookie: 3 })]);
    expect(r.ctx.take('vmm->guest')).toEqual([]);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[3, 1]], count: 8 }]);
    expect(r.s.n.unmappedRecords).toBe(2);
  });

  it('counts records that do not belong to the read in flight', () => {
    const r = vmmRig();
    r.setUp();
    r.send({ type: 'ufd.record', seq: 99, ...encodeRec(1) });
    expect(r.s.n.unexpectedRecords).toBe(1);
  });
});

function encodeRec(cookie: number) {
  const w = record({ cookie, grpid: cookie });
  return { w0: w.flags, w1: w.devId, w2: w.pasid, w3: w.grpid, w4: w.perm, w5: 0, w6: w.addr, w7: 0, w8: 0, w9: w.cookie, ghost: 0 };
}
