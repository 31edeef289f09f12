// Write batching: responses that arrive while a syscall is in flight go out together as one
// write() of n 8-byte records (at most WRITE_BATCH_MAX), and a batch the host stops part-way
// is handled as write() returns it: records before the refused one consumed, the refused one
// counted, the ones after it written again.

import { describe, expect, it } from 'vitest';
import { vmmActor, vmmStats } from '../../../actors/vmm/vmm.actor.ts';
import { WRITE_BATCH_MAX } from '../../../actors/vmm/write-responses.ts';
import { errno, pgfaultFlag, ufdOp } from '../../../src/protocol/iommufd.ts';
import { guestResp, record, vmmRig, writesIn, type VmmRig } from './vmm-fixture.ts';

/** Set up and read `n` one-request groups (PRGI i+1, cookie i+1) of dev 1 / PASID 7. */
function withGroups(n: number, over: Parameters<typeof vmmRig>[0] = {}): VmmRig {
  const r = vmmRig({ vprqEntries: 4096, ...over });
  r.setUp();
  r.deliver(Array.from({ length: n }, (_, i) => record({ grpid: (i % 511) + 1, cookie: i + 1 })));
  r.ctx.take();
  return r;
}

describe('vmm write batching', () => {
  it('a response with the line free goes out at once; those arriving meanwhile go out together in one write', () => {
    const r = withGroups(4);
    r.send(guestResp(0x10, 7, 1, 0));
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[1, 0]], count: 8 }]);
    r.send(guestResp(0x10, 7, 2, 1));
    r.send(guestResp(0x10, 7, 3, 0));
    r.send(guestResp(0x10, 7, 4, 0xf));
    expect(r.ctx.take('vmm->host')).toEqual([]);
    r.ret(8);
    const seq = r.s.inFlight!.seq;
    expect(r.ctx.take('vmm->host')).toEqual([
      { type: 'ufd.writeRec', seq, cookie: 2, code: 1 },
      { type: 'ufd.writeRec', seq, cookie: 3, code: 0 },
      { type: 'ufd.writeRec', seq, cookie: 4, code: 1 },
      { type: 'ufd.call', seq, op: ufdOp.WRITE, a0: 9, a1: 24, a2: 0, a3: 0 },
    ]);
    r.ret(24);
    expect(r.s.n).toMatchObject({ writes: 2, writeRecords: 4, writeRecordsBatched: 2, writeBatchMax: 3, writeRecordsConsumed: 4, writeShort: 0 });
    expect(vmmActor.pending!(r.s)).toBe(0);
  });

  it('batches behind a read in flight too, and caps a write at WRITE_BATCH_MAX records', () => {
    const n = WRITE_BATCH_MAX + 44;
    const r = withGroups(n, { bugs: [] });
    r.send({ type: 'ufd.pollin', fd: 9 });
    r.ctx.take();
    for (let i = 0; i < n; i++) r.send(guestResp(0x10, 7, (i % 511) + 1, 0));
    expect(r.ctx.take('vmm->host')).toEqual([]);
    r.ret(0); // the read comes back empty
    const first = writesIn(r.ctx.take('vmm->host'));
    expect(first.map((w) => [w.records.length, w.count])).toEqual([[WRITE_BATCH_MAX, WRITE_BATCH_MAX * 8]]);
    expect(first[0]!.records.map(([c]) => c)).toEqual(Array.from({ length: WRITE_BATCH_MAX }, (_, i) => i + 1));
    r.ret(WRITE_BATCH_MAX * 8);
    const second = writesIn(r.ctx.take('vmm->host'));
    expect(second.map((w) => [w.records[0]![0], w.records.length, w.count])).toEqual([[WRITE_BATCH_MAX + 1, 44, 44 * 8]]);
    r.ret(44 * 8);
    expect(r.s.n).toMatchObject({ writes: 2, writeRecords: n, writeBatchMax: WRITE_BATCH_MAX, writeRecordsConsumed: n });
  });

  it('a short write: the refused record is counted, the records after it are written again', () => {
    const r = withGroups(5);
    r.send(guestResp(0x10, 7, 1, 0));
    for (const p of [2, 3, 4, 5]) r.send(guestResp(0x10, 7, p, 0));
    r.ret(8);
    r.ctx.take();
    // The host consumed cookie 2, refused cookie 3 (stale), never looked at 4 and 5.
    r.ret(8);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([
      {
        records: [
          [4, 0],
          [5, 0],
        ],
        count: 16,
      },
    ]);
    expect(r.s.n).toMatchObject({ writeShort: 1, writeErrors: 0, writeRecordsRejected: 1, writeRecordsResent: 2, writeRecordsConsumed: 2 });
    expect(r.ctx.marks.get('vmm.writeRecordRejected')).toBe(1);
    r.ret(16);
    expect(r.s.n).toMatchObject({ writes: 3, writeRecords: 5, writeRecordsConsumed: 4 });
    expect(vmmStats(r.s).writes).toMatchObject({ consumed: 4, rejected: 1, resent: 2, lost: 0 });
  });

  it('-EINVAL on a batch: its first record was refused; the rest are written again, joining responses queued meanwhile', () => {
    const r = withGroups(4);
    r.send(guestResp(0x10, 7, 1, 0));
    r.send(guestResp(0x10, 7, 2, 0));
    r.send(guestResp(0x10, 7, 3, 0));
    r.ret(8);
    r.ctx.take();
    r.ret(-errno.EINVAL);
    // The remainder went out at once; a response arriving now waits for the next write.
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[3, 0]], count: 8 }]);
    r.send(guestResp(0x10, 7, 4, 1));
    r.ret(8);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([{ records: [[4, 1]], count: 8 }]);
    expect(r.s.n).toMatchObject({ writeErrors: 1, writeRecordsRejected: 1, writeRecordsResent: 1 });
    expect(r.s.errnos).toEqual({ EINVAL: 1 });
  });

  it('a resent remainder joins a write already waiting in the queue', () => {
    const r = withGroups(4);
    r.send(guestResp(0x10, 7, 1, 0));
    r.send(guestResp(0x10, 7, 2, 0));
    r.send(guestResp(0x10, 7, 3, 0));
    r.ret(8);
    r.ctx.take();
    // A read is queued behind the write in flight, then a response.
    r.send({ type: 'ufd.pollin', fd: 9 });
    r.send(guestResp(0x10, 7, 4, 0));
    r.ret(-errno.EINVAL); // cookie 2 refused: 3 joins the write waiting behind the read, after 4
    expect(r.lastCall()).toMatchObject({ op: ufdOp.READ });
    r.ret(0);
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([
      {
        records: [
          [4, 0],
          [3, 0],
        ],
        count: 16,
      },
    ]);
  });

  it('any other error loses the whole batch, counted', () => {
    const r = withGroups(3);
    r.send(guestResp(0x10, 7, 1, 0));
    r.send(guestResp(0x10, 7, 2, 0));
    r.send(guestResp(0x10, 7, 3, 0));
    r.ret(8);
    r.ctx.take();
    r.ret(-errno.EBADF);
    expect(r.ctx.take('vmm->host')).toEqual([]);
    expect(r.s.n).toMatchObject({ writeErrors: 1, writeRecordsLost: 2, writeRecordsRejected: 0, writeRecordsResent: 0 });
    expect(vmmActor.pending!(r.s)).toBe(0);
  });

  it('read-side answers (a full vPRQ) batch with guest responses waiting for the line', () => {
    const r = vmmRig({ vprqEntries: 2 });
    r.setUp();
    r.deliver([record({ grpid: 1, cookie: 1 })]);
    r.ctx.take();
    r.send({ type: 'ufd.pollin', fd: 9 });
    const seq = r.s.inFlight!.seq;
    r.send(guestResp(0x10, 7, 1, 0)); // waits behind the read
    // The read returns a group the full vPRQ drops: answered Success at once, in the same write.
    r.send({ type: 'ufd.record', seq, w0: pgfaultFlag.PASID_VALID | pgfaultFlag.LAST_PAGE, w1: 1, w2: 7, w3: 2, w4: 1, w5: 0, w6: 0x4000, w7: 0, w8: 0, w9: 2, ghost: 0 });
    r.send({ type: 'ufd.ret', seq, ret: 40, out0: 0, out1: 0 });
    expect(writesIn(r.ctx.take('vmm->host'))).toEqual([
      {
        records: [
          [1, 0],
          [2, 0],
        ],
        count: 16,
      },
    ]);
  });
});
