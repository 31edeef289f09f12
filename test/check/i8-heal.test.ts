// I8's bounded check of the healing phase, fed with hand-written check events and their
// times: groups outstanding at the heal or raised after it must be answered within the
// bound; the fault phase is not judged; a group is overdue only once an event later than its
// deadline arrives; runs whose events carry no time, or that end before the heal, are not judged.

import { describe, expect, it } from 'vitest';
import { Checker } from '../../src/check/checker.ts';
import type { CheckerResult, InvariantVerdict, RunEnd } from '../../src/check/types.ts';
import { checkLayer as L, checkQueue as Q, checkQueueOp as Op, checkReason as R } from '../../src/protocol/check-events.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';
import { delivered, q, raise, retire } from './history.ts';

const quiescent: RunEnd = { quiescent: true, stopReason: 'quiescent' };
const plan = (healAtNs: number, boundNs: number): CheckEvent => ({ type: 'chk.liveness', healAtNs, boundNs });
/** An event that concerns no group: only its time matters here. */
const tick = (ghost = 99): CheckEvent => q(Q.prq, Op.accept, ghost);

/** Feed [event, timeNs] pairs in this order; the checker sees them as a runtime would hand them out. */
function run(history: [CheckEvent, number][], end: RunEnd = quiescent): CheckerResult {
  const c = new Checker({ actorNames: ['device', 'iommu', 'host', 'vmm', 'guest'] });
  history.forEach(([ev, t], i) => c.event(ev, i, t, 0));
  return c.finish(end);
}

const i8 = (r: CheckerResult): InvariantVerdict => r.invariants.find((i) => i.id === 'I8')!;
const i8Messages = (r: CheckerResult): string[] => r.violations.filter((v) => v.invariant === 'I8').map((v) => v.message);

describe('I8 bounded liveness after a heal', () => {
  it('without a plan there is no bounded check and no bound in the verdict', () => {
    const r = run([
      [raise(1, 1), 0],
      [delivered(1, 1), 5_000_000],
    ]);
    expect(i8(r)).toEqual({ id: 'I8', name: expect.any(String), ok: true, violations: 0 });
  });

  it('a group outstanding at the heal answered within the bound passes; the worst time counts from the heal', () => {
    const r = run([
      [plan(1000, 100), 0],
      [raise(1, 1), 10],
      [tick(), 1040],
      [delivered(1, 1), 1060],
    ]);
    expect(r.violations).toEqual([]);
    expect(i8(r).ok).toBe(true);
    expect(i8(r).bound).toEqual({ boundNs: 100, healAtNs: 1000, judged: true, answered: 1, worstNs: 60, overdue: 0 });
    expect(i8(r).note).toBe('every request answered within 100 ns after the heal at 0.001 ms; worst 60 ns (1 groups)');
  });

  it('the fault phase is not judged: a group slow before the heal is fine', () => {
    const r = run([
      [plan(1000, 100), 0],
      [raise(1, 1), 0],
      [tick(), 800],
      [delivered(1, 1), 900],
      [tick(), 1500],
    ]);
    expect(r.violations).toEqual([]);
    expect(i8(r).bound).toMatchObject({ judged: true, answered: 0, overdue: 0 });
  });

  it('a group outstanding at the heal is reported while the run goes, as soon as a later event passes its deadline', () => {
    // Answered in the end (I1 holds), but 200 ns after the heal with a bound of 100 ns.
    const r = run([
      [plan(1000, 100), 0],
      [raise(7, 3), 20],
      [tick(), 1100],
      [tick(), 1101],
      [delivered(7, 3), 1200],
    ]);
    expect(r.violations.filter((v) => v.invariant !== 'I8')).toEqual([]);
    expect(i8Messages(r)).toEqual(['group 7 outstanding for 1.1 µs (raised at 0 ms) is still unanswered 101 ns after the heal at 0.001 ms: past the liveness bound of 100 ns']);
    const v = r.violations.find((x) => x.invariant === 'I8')!;
    expect(v.ghosts).toEqual([7]);
    // The chain ends before the late answer: the violation was found online, at the event of 1101 ns.
    expect(v.chain.map((e) => e.text).join('\n')).not.toMatch(/device got response/);
    expect(i8(r)).toMatchObject({ ok: false, bound: { overdue: 1, answered: 1, worstNs: 200 } });
    expect(i8(r).note).toBe('1 violation(s); 1 group(s) past the bound of 100 ns after the heal at 0.001 ms');
  });

  it('a group raised after the heal gets the bound from its raise; the deadline itself is still in time', () => {
    const ok = run([
      [plan(1000, 100), 0],
      [raise(1, 1), 2000],
      [tick(), 2100],
      [delivered(1, 1), 2100],
    ]);
    expect(ok.violations).toEqual([]);
    expect(i8(ok).bound?.worstNs).toBe(100);
    const late = run([
      [plan(1000, 100), 0],
      [raise(1, 1), 2000],
      [tick(), 2101],
      [delivered(1, 1), 2150],
    ]);
    expect(i8Messages(late)).toEqual(['group 1 outstanding for 101 ns (raised at 0.002 ms) is still unanswered 101 ns after its raise: past the liveness bound of 100 ns']);
  });

  it('roughly ordered times (threads): an answer stamped before the deadline but merged after a later stamp is not late', () => {
    const r = run([
      [plan(1000, 100), 0],
      [raise(1, 1), 10],
      [tick(), 1090],
      [tick(), 1100],
      [delivered(1, 1), 1095],
      [tick(), 5000],
    ]);
    expect(r.violations).toEqual([]);
  });

  it('a group retired at the device leaves the bound like an answered one', () => {
    const r = run([
      [plan(1000, 100), 0],
      [raise(1, 1, 1), 10],
      [retire(L.device, 1, R.priStopped, 1), 1050],
      [tick(), 5000],
    ]);
    expect(r.violations).toEqual([]);
    expect(i8(r).bound).toMatchObject({ answered: 0, overdue: 0 });
  });

  it('at the end: a group whose deadline passed behind a later one (out-of-order stamps) is swept', () => {
    const r = run([
      [plan(1000, 100), 0],
      [tick(), 1500],
      [raise(1, 1), 2000],
      [raise(2, 2), 1990], // deadlines 2100, then 2090
      [tick(), 2095],
      [delivered(1, 1), 2095],
    ]);
    expect(i8Messages(r)).toContain('group 2 outstanding for 105 ns (raised at 0.002 ms) is still unanswered 105 ns after its raise when the run ended: past the liveness bound of 100 ns');
  });

  it('events without time (a caller with no clock): the bound is announced but not judged', () => {
    const r = run([
      [plan(1000, 100), -1],
      [raise(1, 1), -1],
      [tick(), -1],
      [delivered(1, 1), -1],
    ]);
    expect(r.violations).toEqual([]);
    expect(i8(r)).toMatchObject({ ok: true, bound: { judged: false }, note: "bound of 100 ns after the heal at 0.001 ms not judged: this runtime's check events carry no time" });
  });

  it('a run that ends before the heal is not judged, and says so', () => {
    const r = run([
      [plan(1_000_000, 200_000), 0],
      [raise(1, 1), 10],
      [delivered(1, 1), 500],
    ]);
    expect(i8(r)).toMatchObject({ ok: true, bound: { judged: false }, note: 'bound of 200 µs after the heal at 1 ms not judged: the run ended before the heal' });
  });

  it('keeps memory flat: 20 000 answered groups after the heal leave nothing to sweep', () => {
    const h: [CheckEvent, number][] = [[plan(0, 1000), 0]];
    for (let g = 1; g <= 20_000; g++) h.push([raise(g, g % 512), g * 10], [delivered(g, g % 512), g * 10 + 5]);
    const r = run(h);
    expect(r.violations).toEqual([]);
    expect(i8(r).bound).toMatchObject({ answered: 20_000, worstNs: 5 });
  });
});
