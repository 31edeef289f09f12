import { describe, expect, it } from 'vitest';
import { checkLayer as L, checkQueue as Q, checkQueueOp as Op, checkReason as R } from '../../src/protocol/check-events.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';
import { check, delivered, deliver, failedIds, q, raise, respond, retire, roundTrip, seen } from './history.ts';

describe('online checker monitors', () => {
  it('passes a correct history: two groups, one reusing the PRGI of the first after its answer', () => {
    const r = check([...roundTrip(1, 7), ...roundTrip(2, 7, 20)]);
    expect(r.violations).toEqual([]);
    expect(r.events).toBe(2 * roundTrip(1, 7).length);
    const verdict = Object.fromEntries(r.invariants.map((i) => [i.id, i.ok]));
    expect(verdict).toEqual({ I1: true, I2: true, I3: null, I4: true, I5: null, I6: true, I7: null, I8: true });
  });

  it('I1: a second response delivered to the device (unexpected PRGI) names the group and its chain', () => {
    const h = roundTrip(1, 7);
    const r = check([...h, respond(L.host, 1, 7), delivered(0, 7)]);
    expect(failedIds(r)).toContain('I1');
    const v = r.violations.find((x) => x.invariant === 'I1')!;
    expect(v.ghosts).toEqual([1]);
    expect(v.message).toMatch(/second response/);
    expect(v.chain.length).toBeLessThanOrEqual(12);
    expect(v.chain.at(-1)!.text).toMatch(/matched no group/);
  });

  it('I1: a response missing at the end of a quiescent run', () => {
    const h = roundTrip(1, 7).slice(0, -2); // the host never answers
    const r = check(h);
    const v = r.violations.filter((x) => x.invariant === 'I1');
    expect(v.map((x) => x.message)).toEqual(['group 1 was never answered (the run is quiescent)']);
    expect(v[0]!.ghosts).toEqual([1]);
    // ...and liveness names the host handler still holding it.
    expect(r.violations.some((x) => x.invariant === 'I8' && /host handler still holds group 1/.test(x.message))).toBe(true);
  });

  it('I2: a stale response for an answered incarnation lands on the group reusing its PRGI', () => {
    const first = roundTrip(1, 7);
    const second = roundTrip(2, 7, 20).slice(0, -4); // group 2 at the guest, not answered yet
    const r = check([...first, ...second, respond(L.host, 1, 7), delivered(2, 7)]);
    const v = r.violations.filter((x) => x.invariant === 'I2');
    expect(v.length).toBeGreaterThan(0);
    expect(v.some((x) => x.ghosts.includes(1) && /already answered/.test(x.message))).toBe(true);
    expect(v.some((x) => x.ghosts.join() === '1,2' && /incarnation 1\) answered group 2/.test(x.message))).toBe(true);
    const chainText = v
      .find((x) => x.ghosts.length === 2)!
      .chain.map((e) => e.text)
      .join('\n');
    expect(chainText).toMatch(/ghost=1/);
    expect(chainText).toMatch(/ghost=2/);
  });

  it('I2: the vmm passing on an answer the guest never gave (PRG-index-only matching)', () => {
    const a = roundTrip(1, 7).slice(0, -4);
    const b = roundTrip(2, 7, 30).slice(0, -4);
    b[0] = { ...(b[0] as Extract<CheckEvent, { type: 'chk.raise' }>), rid: 0x101 };
    const r = check([...a, ...b, respond(L.guest, 1, 7), respond(L.vmm, 1, 7), respond(L.vmm, 2, 7)]);
    const v = r.violations.find((x) => x.invariant === 'I2')!;
    expect(v.message).toBe('the vmm answered group 2, which the guest never answered (the guest had answered group 1 with that PRG index 7)');
    expect(v.ghosts).toEqual([2, 1]);
    // The chain shows the guest's answer that was passed on to the wrong group.
    expect(v.chain.map((e) => e.text).join('\n')).toMatch(/guest sent response code=\d for ghost=1 /);
  });

  it('I4: a dequeue of something never queued, and a drop without a reason', () => {
    const r = check([raise(1, 3, 1), q(Q.prq, Op.dequeue, 1), q(Q.vprq, Op.drop, 1, 1, R.none)], { quiescent: false, stopReason: 'max-steps' });
    const v = r.violations.filter((x) => x.invariant === 'I4').map((x) => x.message);
    expect(v).toEqual(['prq gave out 1 item(s) of group 1 but held 0 of it (dequeued without being queued)', 'vprq dropped 1 item(s) of group 1 without a reason']);
  });

  it('I4: something left in a queue at quiescence; a drop with a reason conserves', () => {
    const r = check([
      raise(1, 3, 1),
      q(Q.prq, Op.drop, 1, 1, R.overflow),
      respond(L.iommu, 1, 3, true),
      delivered(1, 3),
      raise(2, 4, 1),
      q(Q.vprq, Op.enqueue, 2),
      respond(L.vmm, 2, 4, true),
      respond(L.host, 2, 4),
      delivered(2, 4),
    ]);
    expect(r.violations.map((x) => x.message)).toEqual(['vprq still holds 1 item(s) of group 2 at quiescence']);
  });

  it('I6: page requests out of order, and a group delivered before its last request', () => {
    const r = check([raise(1, 3, 3), seen(L.host, 1, 11, false), seen(L.host, 1, 10, false), deliver(L.host, 1, 2)], { quiescent: false, stopReason: 'max-steps' });
    const v = r.violations.filter((x) => x.invariant === 'I6').map((x) => x.message);
    expect(v).toEqual(['the host got page request 0 of group 1 after request 1', 'the host delivered group 1 before its last page request arrived']);
  });

  it('I6: a discarded partial merged into the later group reusing its PRGI', () => {
    const r = check(
      [raise(1, 5, 3), seen(L.host, 1, 10, false), seen(L.host, 1, 11, false), retire(L.host, 1, R.discardPartial, 2), raise(2, 5, 1, 2, 40), seen(L.host, 2, 40, true), deliver(L.host, 2, 3)],
      { quiescent: false, stopReason: 'max-steps' },
    );
    const v = r.violations.find((x) => x.invariant === 'I6')!;
    expect(v.message).toBe('the host delivered group 2 with 3 requests but only 1 are its own: a discarded partial of group 1 was merged into it');
    expect(v.ghosts).toEqual([2, 1]);
    expect(v.chain.map((e) => e.text)).toContain('host retired 2 request(s) of ghost=1 (discardPartial)');
  });

  it('I3: a DMA using a translation older than a completed invalidation', () => {
    const ok = check([
      { type: 'chk.invDone', asid: 2, firstPage: 4, pages: 2, version: 5 },
      { type: 'chk.xlateUsed', asid: 2, page: 5, version: 5 },
    ]);
    expect(ok.violations).toEqual([]);
    const bad = check([
      { type: 'chk.invDone', asid: 2, firstPage: 4, pages: 2, version: 5 },
      { type: 'chk.xlateUsed', asid: 2, page: 5, version: 4 },
    ]);
    expect(bad.violations.map((x) => x.invariant)).toEqual(['I3']);
    expect(bad.violations[0]!.chain.map((e) => e.text)).toEqual(['invalidation done asid=2 pages 4..5 version=5', 'DMA used translation asid=2 page=5 version=4']);
  });

  it('I8: a run that did not reach quiescence fails liveness and carries the stall report', () => {
    const r = check(roundTrip(1, 7).slice(0, 5), { quiescent: false, stopReason: 'stall', stallReport: 'channels (depth/capacity): ...' });
    const v = r.violations.find((x) => x.invariant === 'I8')!;
    expect(v.message).toMatch(/ended 'stall' without reaching quiescence; 1 group\(s\) outstanding\nchannels/);
    expect(v.ghosts).toEqual([1]);
    expect(r.violations.some((x) => x.invariant === 'I1')).toBe(false); // missing answers are judged at quiescence only
  });

  it('keeps memory bounded: finished groups leave the live table', () => {
    const events: CheckEvent[] = [];
    for (let g = 1; g <= 2000; g++) events.push(...roundTrip(g, g % 512, g * 2));
    const r = check(events);
    expect(r.violations).toEqual([]);
  });
});
