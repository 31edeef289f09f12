// I5 (a drain leaves nothing in the hardware queues or the IOPF core; iommufd's groups are answered
// before the PASID is reused: intel_iommu_drain_pasid_prq, iopf_queue_flush_dev) and I7 (no fault of a freed PASID
// reaches its next owner) on hand-written histories.

import { describe, expect, it } from 'vitest';
import { checkLayer as L, checkReason as R } from '../../src/protocol/check-events.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';
import { check, failedIds, raise, respond, retire, rid, roundTrip } from './history.ts';

const drainStart = (gen = 1): CheckEvent => ({ type: 'chk.drainStart', rid, pasid: 1, gen });
const drainDone = (gen = 1): CheckEvent => ({ type: 'chk.drainDone', rid, pasid: 1, gen });
const bind = (gen: number): CheckEvent => ({ type: 'chk.pasidBind', rid, pasid: 1, gen });

/** roundTrip with the group raised for PASID incarnation `gen`. */
function tripOf(ghost: number, prgi: number, firstPage: number, gen: number): CheckEvent[] {
  const h = roundTrip(ghost, prgi, firstPage);
  h[0] = raise(ghost, prgi, 2, ghost, firstPage, gen);
  return h;
}

const verdictOf = (events: CheckEvent[]): Record<string, boolean | null> => Object.fromEntries(check(events).invariants.map((i) => [i.id, i.ok]));

describe('I5 and I7 monitors', () => {
  it('pass a correct history: answered, drained, rebound, the new owner faults', () => {
    const r = check([...tripOf(1, 7, 10, 1), drainStart(), drainDone(), bind(2), ...tripOf(2, 7, 10, 2)]);
    expect(r.violations).toEqual([]);
    expect(verdictOf([...tripOf(1, 7, 10, 1), drainStart(), drainDone(), bind(2), ...tripOf(2, 7, 10, 2)])).toMatchObject({ I1: true, I2: true, I5: true, I7: true, I8: true });
  });

  it('pass a drain whose groups were auto-answered by the host (the guest never got them)', () => {
    const h = tripOf(1, 7, 10, 1).slice(0, 11); // reached the host handler (fault fd), not the guest
    const r = check([...h, retire(L.host, 1, R.detach, 0), respond(L.host, 1, 7, true, 1), { type: 'chk.respDelivered', ghost: 1, rid, prgi: 7, code: 1 }, drainStart(), drainDone(), bind(2)]);
    expect(r.violations.filter((v) => v.invariant === 'I5' || v.invariant === 'I7')).toEqual([]);
  });

  it('I5: a drain completing with a group still short of iommufd (hardware queue, IOPF core) fails, naming it', () => {
    const r = check([raise(1, 7, 2, 1, 10, 1), drainStart(), drainDone()], { quiescent: false, stopReason: 'max-steps' });
    expect(failedIds(r)).toContain('I5');
    const v = r.violations.filter((x) => x.invariant === 'I5');
    expect(v.map((x) => [x.ghosts.join(), /still in a hardware queue or the IOPF core/.test(x.message)])).toEqual([['1', true]]);
  });

  // iopf_queue_flush_dev() flushes the IOPF workqueue only: groups iommufd holds are not waited for.
  it('I5: a drain may complete while iommufd (and the layers above) hold a group; reusing the PASID before it is answered fails', () => {
    const h = tripOf(1, 7, 10, 1).slice(0, -4); // delivered by the host, at the guest handler, unanswered
    const drained = check([...h, drainStart(), drainDone()], { quiescent: false, stopReason: 'max-steps' });
    expect(drained.violations.filter((x) => x.invariant === 'I5')).toEqual([]);
    const reused = check([...h, drainStart(), drainDone(), bind(2)], { quiescent: false, stopReason: 'max-steps' });
    const v = reused.violations.filter((x) => x.invariant === 'I5');
    expect(v.map((x) => [x.ghosts.join(), /reused \(incarnation 2\) with 1 group\(s\) of an older incarnation never answered/.test(x.message)])).toEqual([['1', true]]);
  });

  it('I5: a drain that completes without starting', () => {
    const r = check([drainDone()]);
    expect(r.violations.map((v) => v.message)).toEqual(['the drain of rid 256 pasid 1 completed without having started']);
  });

  it('I5 ignores groups of other PASIDs and of later incarnations', () => {
    const other = tripOf(1, 7, 10, 1).slice(0, -4);
    other[0] = { ...(other[0] as Extract<CheckEvent, { type: 'chk.raise' }>), pasid: 2 };
    const r = check([...other, drainStart(), drainDone()], { quiescent: false, stopReason: 'max-steps' });
    expect(r.violations.filter((v) => v.invariant === 'I5')).toEqual([]);
  });

  it('I7: an old-incarnation group delivered to the guest after the rebind fails', () => {
    const h = tripOf(1, 7, 10, 1);
    // No drain: the PASID is rebound while group 1 is still on its way to the guest.
    const r = check([...h.slice(0, 15), bind(2), ...h.slice(15)]);
    expect(failedIds(r)).toContain('I7');
    const v = r.violations.filter((x) => x.invariant === 'I7');
    expect(v[0]!.message).toBe('group 1 of incarnation 1 reached the guest handler after the PASID was rebound to incarnation 2');
    expect(v[0]!.ghosts).toEqual([1]);
    expect(v.some((x) => /passed on a handler's answer for group 1/.test(x.message))).toBe(true);
    expect(v[0]!.chain.map((e) => e.text).join('\n')).toMatch(/guest delivered group ghost=1/);
  });

  it('I7: a rebind that does not move the incarnation forward, and a raise for a freed incarnation', () => {
    const r = check([bind(2), bind(2), raise(5, 3, 1, 5, 10, 1)], { quiescent: false, stopReason: 'max-steps' });
    const msgs = r.violations.filter((v) => v.invariant === 'I7').map((v) => v.message);
    expect(msgs).toEqual(['rid 256 pasid 1 rebound as incarnation 2, not after 2', 'the device raised group 5 for incarnation 1 of rid 256 pasid 1 after it was rebound (incarnation 2)']);
  });

  it('give no verdict when no drain or rebind happened', () => {
    expect(verdictOf(roundTrip(1, 7))).toMatchObject({ I5: null, I7: null });
  });
});
