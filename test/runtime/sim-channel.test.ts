// SimQueue grows on demand (issue 12): FIFO order and ready times survive growth while the
// ring has wrapped, the capacity still bounds it, and a huge capacity allocates nothing up front.

import { describe, expect, it } from 'vitest';
import { SimQueue } from '../../src/runtime/sim/sim-channel.ts';
import type { Inbound } from '../../src/actor/define.ts';

const msg = (i: number): Inbound => ({ type: 'sys.writable', channel: `c${i}` });

describe('SimQueue', () => {
  it('keeps FIFO order and ready times across growth of a wrapped ring, up to its capacity', () => {
    const q = new SimQueue(100);
    let next = 0;
    let expected = 0;
    // Wrap the first 16 slots, then grow while wrapped.
    for (let i = 0; i < 12; i++) q.push(msg(next), next++);
    for (let i = 0; i < 10; i++) expect(q.shift()).toEqual(msg(expected++));
    while (!q.isFull()) {
      expect(q.headReadyNs()).toBe(expected);
      q.push(msg(next), next++);
    }
    expect(q.length).toBe(100);
    expect(q.peekAll().map((m) => (m as { channel: string }).channel)).toEqual(Array.from({ length: 100 }, (_, i) => `c${expected + i}`));
    while (q.length > 0) {
      expect(q.headReadyNs()).toBe(expected);
      expect(q.shift()).toEqual(msg(expected++));
    }
    expect(q.headReadyNs()).toBe(Infinity);
  });

  it('takes a capacity beyond the largest array V8 allows without allocating it', () => {
    const q = new SimQueue(2 ** 33);
    q.push(msg(1), 5);
    expect(q.isFull()).toBe(false);
    expect(q.shift()).toEqual(msg(1));
  });
});
