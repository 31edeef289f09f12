// OrderedCounts (I4's and I8's per-group entries, src/check/ordered-counts.ts) count and list as
// a Map would: emptied or deleted keys dropped, a key added again after leaving listed at the
// end, through log compactions and growth.

import { describe, expect, it } from 'vitest';
import { OrderedCounts } from '../../src/check/ordered-counts.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

describe('OrderedCounts', () => {
  it('matches a Map of counts, first-enqueue order included, over 60 000 adds and takes', () => {
    const rng = createRng(rngStateFrom(11, 0x0d1d));
    const h = new OrderedCounts();
    const m = new Map<number, number>();
    // Many keys live at once (the log grows), most short-lived (it compacts), some colliding on the DirectMap's low bits.
    const keys = Array.from({ length: 3000 }, (_, i) => (i < 2000 ? i * 8 + (i % 5) : rng.int(2 ** 31) * 8 + (i & 7)));
    for (let i = 0; i < 60_000; i++) {
      const key = keys[rng.int(keys.length)]!;
      const n = 1 + rng.int(3);
      const before = m.get(key);
      const op = rng.int(10);
      if (op < 6) {
        h.add(key, n);
        m.set(key, (before ?? 0) + n);
      } else if (op === 9) {
        expect(h.delete(key)).toBe(m.delete(key));
      } else {
        expect(h.take(key, n)).toBe(before ?? 0);
        if (before !== undefined) {
          if (before - n <= 0) m.delete(key);
          else m.set(key, before - n);
        }
      }
      if (i % 1999 === 0) {
        expect(h.entries()).toEqual([...m.entries()]);
        expect(h.keys()).toEqual([...m.keys()]);
      }
    }
    expect(m.size).toBeGreaterThan(1024);
    expect(h.entries()).toEqual([...m.entries()]);
  });
});
