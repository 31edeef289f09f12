// RecentWindow (src/check/recent-window.ts) against a plain model: a Map in insertion order
// whose oldest entry goes when the window is full; re-adding an id replaces its value in place.

import { describe, expect, it } from 'vitest';
import { RecentWindow } from '../../src/check/recent-window.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

function modelAdd(m: Map<number, number>, max: number, id: number, value: number): number | undefined {
  if (m.has(id)) {
    m.set(id, value);
    return undefined;
  }
  let gone: number | undefined;
  if (m.size === max) {
    const [oldest, v] = m.entries().next().value as [number, number];
    m.delete(oldest);
    gone = v;
  }
  m.set(id, value);
  return gone;
}

describe('RecentWindow', () => {
  for (const sequentialIds of [false, true]) {
    it(`evicts the oldest, replaces in place and answers as the model over 30 000 operations (${sequentialIds ? 'direct-mapped' : 'Map'})`, () => {
      const rng = createRng(rngStateFrom(9, 0x7ec));
      const max = 32;
      const w = new RecentWindow<number>(max, sequentialIds);
      const m = new Map<number, number>();
      let evicted = 0;
      let replaced = 0;
      for (let i = 0; i < 30_000; i++) {
        // Mostly fresh ids, sometimes one held (a replacement) or one long gone (added again).
        const r = rng.int(10);
        const id = r < 7 ? i + 1 : r < 9 ? Math.max(1, i - rng.int(40)) : rng.int(i + 1) + 1;
        if (m.has(id)) replaced++;
        const gone = w.add(id, i);
        expect(gone).toBe(modelAdd(m, max, id, i));
        if (gone !== undefined) evicted++;
        const probe = rng.int(i + 2);
        expect(w.get(probe)).toBe(m.get(probe));
        expect(w.has(probe)).toBe(m.has(probe));
        expect(w.size).toBe(m.size);
      }
      expect(evicted).toBeGreaterThan(1000);
      expect(replaced).toBeGreaterThan(1000);
    });
  }
});
