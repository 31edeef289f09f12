// The simulator's timer heap (parallel arrays since issue 9): timers fire by (fire time, order
// set), ties in the order they were set, across growth of the arrays and interleaved adds and
// pops; pop() and peekActor()/popMsg() agree; countFor counts what is pending.

import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/protocol/messages.ts';
import { TimerHeap } from '../../src/runtime/sim/timer-heap.ts';

const msg = (id: number): Message => ({ type: 'chain.req', id, originNs: 0 }) as Message;
const idOf = (m: Message): number => (m as { id: number }).id;

describe('TimerHeap', () => {
  it('fires by time, ties in the order set, across growth and interleaved pops', () => {
    const h = new TimerHeap();
    const pending: { atNs: number; id: number; actor: number }[] = [];
    const fired: number[] = [];
    const expected: number[] = [];
    let x = 7;
    let id = 0;
    const popOne = (): void => {
      pending.sort((a, b) => a.atNs - b.atNs || a.id - b.id);
      const want = pending.shift()!;
      expected.push(want.id);
      expect(h.peekNs()).toBe(want.atNs);
      expect(h.peekActor()).toBe(want.actor);
      fired.push(idOf(h.popMsg()));
    };
    for (let round = 0; round < 2000; round++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const atNs = (x >>> 8) % 50; // many equal fire times
      const actor = x % 5;
      h.add(atNs, actor, msg(id));
      pending.push({ atNs, id, actor });
      id++;
      if (round % 3 === 2) popOne();
    }
    expect(h.size).toBe(pending.length);
    for (let a = 0; a < 5; a++) expect(h.countFor(a)).toBe(pending.filter((p) => p.actor === a).length);
    while (h.size > 0) popOne();
    expect(fired).toEqual(expected);
    expect(h.peekNs()).toBe(Infinity);
  });

  it('pop() returns the earliest timer as an object', () => {
    const h = new TimerHeap();
    h.add(30, 1, msg(0));
    h.add(10, 2, msg(1));
    h.add(10, 3, msg(2));
    const t = h.pop();
    expect({ atNs: t.atNs, actor: t.actor, id: idOf(t.msg) }).toEqual({ atNs: 10, actor: 2, id: 1 });
    expect(idOf(h.pop().msg)).toBe(2);
    expect(idOf(h.pop().msg)).toBe(0);
    expect(h.size).toBe(0);
  });
});
