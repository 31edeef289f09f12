// OrderedIdMap (the checker's per-group tables, issue 9) answers and iterates as a Map would,
// colliding ids, reinsertions and pool growth included.

import { describe, expect, it } from 'vitest';
import { OrderedIdMap } from '../../src/check/ordered-id-map.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import { matchAgainstMap } from '../support/id-map-model.ts';

describe('OrderedIdMap', () => {
  it('matches a Map, insertion order included, over 50 000 mixed operations with colliding ids', () => {
    const rng = createRng(rngStateFrom(5, 0x0d1d));
    const d = new OrderedIdMap<number>(4);
    const pool = Array.from({ length: 200 }, (_, i) => (i < 100 ? i * 16 + 5 : rng.int(2 ** 31) * 8 + (i & 7)));
    const { crowded, model: m } = matchAgainstMap(d, rng, pool, 50_000, (t, model, i) => {
      expect(t.firstId()).toBe(model.keys().next().value);
      if (i % 997 === 0) {
        expect([...t.keys()]).toEqual([...model.keys()]);
        expect([...t.entries()]).toEqual([...model.entries()]);
      }
    });
    expect(crowded).toBeGreaterThan(0);
    expect([...d.entries()]).toEqual([...m.entries()]);
  });

  it('keeps the order of ids in sequence as groups come and go out of order', () => {
    const d = new OrderedIdMap<string>(6);
    const m = new Map<number, string>();
    const rng = createRng(rngStateFrom(6, 0x0d1d));
    let next = 1;
    for (let i = 0; i < 20_000; i++) {
      if (m.size < 300 && rng.int(2) === 0) {
        d.set(next, `g${next}`);
        m.set(next, `g${next}`);
        next++;
      } else if (m.size > 0) {
        const keys = [...m.keys()];
        const id = keys[rng.int(10) === 0 ? 0 : rng.int(keys.length)]!;
        expect(d.delete(id)).toBe(true);
        m.delete(id);
      }
    }
    expect([...d.entries()]).toEqual([...m.entries()]);
    expect(d.delete(next + 1)).toBe(false);
  });

  it('grows its direct table from 2^6 to 2^bitsMax slots as a window of sequential ids widens, answering as a Map throughout', () => {
    const d = new OrderedIdMap<number>(12);
    const m = new Map<number, number>();
    const rng = createRng(rngStateFrom(7, 0x0d1d));
    let next = 1;
    for (let i = 0; i < 30_000; i++) {
      // The window of ids held widens from tens to thousands, then narrows again.
      const want = i < 20_000 ? 10 + (i >> 3) : 40;
      if (m.size < want) {
        d.set(next, i);
        m.set(next, i);
        next++;
      } else {
        const id = m.keys().next().value as number;
        expect(d.delete(id)).toBe(true);
        m.delete(id);
      }
      const probe = Math.max(1, next - 1 - rng.int(4000));
      expect(d.get(probe)).toBe(m.get(probe));
      expect(d.size).toBe(m.size);
      if (i % 1999 === 0) expect([...d.entries()]).toEqual([...m.entries()]);
    }
    expect([...d.entries()]).toEqual([...m.entries()]);
  });
});
