// Regression guard for the VMM's record per forwarded fault (issue 9) that times nothing: a
// fault the VMM still owes the host an answer for is kept in a record a forgotten one left, with
// its machine state reset (actors/vmm/remembered-faults.ts, faultPool), and so are the pgfault records a read decodes and
// the response records a write carries (actors/vmm/records.ts), so the numbers made are bounded by
// the records held at once, not by the length of the run. Counted, as the checker's records are.
import { describe, expect, it } from 'vitest';
import { guestResp, record, vmmRig, writesIn } from './vmm-fixture.ts';

const inFlight = 4;

/** `groups` groups read from the fault fd `inFlight` at a time, each answered by the guest and written back. */
function run(groups: number) {
  // A vPRQ that holds the whole run: no guest consumes it here, and a full one would answer faults itself.
  const r = vmmRig({ vprqEntries: 2048 });
  r.setUp();
  const written: number[] = [];
  for (let first = 0; first < groups; first += inFlight) {
    const batch = Array.from({ length: inFlight }, (_, i) => record({ grpid: (first + i) % 512, cookie: first + i + 1 }));
    r.deliver(batch);
    r.ctx.take();
    for (const rec of batch) {
      r.send(guestResp(0x10, 7, rec.grpid, 0));
      for (const w of writesIn(r.ctx.take('vmm->host'))) for (const [cookie] of w.records) written.push(cookie);
      // The host consumes the whole write.
      if (r.s.inFlight?.purpose.kind === 'write') r.ret(r.s.inFlight.a1);
    }
  }
  return { r, written };
}

describe('VMM forwarded-fault records', () => {
  const short = run(200);
  const long = run(800);

  it('answers every group once, with its own cookie, and owes nothing after', () => {
    expect(long.written).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
    expect(long.r.s.faults).toEqual([]);
  });

  it('makes no more records over 800 groups than over 200: they are reused', () => {
    expect(long.r.s.faultPool.made).toBe(short.r.s.faultPool.made);
  });

  it('makes at most one record per fault owed at once', () => {
    expect(long.r.s.faultPool.made).toBe(inFlight);
  });

  it('reuses the read and response records: as many over 800 groups as over 200, at most one per record held at once', () => {
    expect(long.r.s.records.readsMade).toBe(short.r.s.records.readsMade);
    expect(long.r.s.records.responsesMade).toBe(short.r.s.records.responsesMade);
    expect(long.r.s.records.readsMade).toBeLessThanOrEqual(inFlight);
    expect(long.r.s.records.responsesMade).toBeLessThanOrEqual(inFlight);
    expect(long.r.s.records.readsMade).toBeGreaterThan(0);
    expect(long.r.s.records.responsesMade).toBeGreaterThan(0);
  });
});
