// DirectMap (the checker's ghost-id windows, issue 9) answers as a Map would, colliding ids
// included: a small table and ids spread over the whole uint32 range force collisions.

import { describe, expect, it } from 'vitest';
import { DirectMap } from '../../src/util/direct-map.ts';
import { RecentWindow } from '../../src/check/recent-window.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import { matchAgainstMap } from '../support/id-map-model.ts';

describe('DirectMap', () => {
  it('matches a Map over 50 000 mixed operations with colliding ids', () => {
    const rng = createRng(rngStateFrom(3, 0xd1ec));
    const pool = Array.from({ length: 40 }, (_, i) => (i < 20 ? i * 16 + 5 : rng.int(2 ** 31) * 2 + (i & 1)));
    const { crowded } = matchAgainstMap(new DirectMap<number>(4), rng, pool, 50_000);
    expect(crowded).toBeGreaterThan(0);
  });

  it('a RecentWindow on it evicts as one on a Map does', () => {
    const rng = createRng(rngStateFrom(4, 0xd1ec));
    const a = new RecentWindow<number>(64, true);
    const b = new RecentWindow<number>(64);
    let next = 1;
    const live: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (live.length < 200 && rng.int(2) === 0) live.push(next++);
      else if (live.length > 0) {
        // Groups finish out of order; now and then a long-lived one finishes far behind the rest.
        const k = rng.int(10) === 0 ? 0 : rng.int(live.length);
        const id = live.splice(k, 1)[0]!;
        expect(a.add(id, id * 2)).toBe(b.add(id, id * 2));
      }
      const probe = Math.max(1, next - 1 - rng.int(300));
      expect(a.get(probe)).toBe(b.get(probe));
      expect(a.size).toBe(b.size);
    }
  });

  it('grows from 2^6 to 2^bitsMax slots as a window of sequential ids widens, answering as a Map throughout', () => {
    const d = new DirectMap<number>(12);
    const m = new Map<number, number>();
    const rng = createRng(rngStateFrom(5, 0xd1ec));
    const held: number[] = [];
    let next = 1;
    for (let i = 0; i < 30_000; i++) {
      const want = i < 20_000 ? 10 + (i >> 3) : 40;
      if (held.length < want) {
        d.set(next, i);
        m.set(next, i);
        held.push(next++);
      } else {
        const id = held.splice(rng.int(8) === 0 ? rng.int(held.length) : 0, 1)[0]!;
        expect(d.delete(id)).toBe(m.delete(id));
      }
      const probe = Math.max(1, next - 1 - rng.int(4000));
      expect(d.get(probe)).toBe(m.get(probe));
      expect(d.has(probe)).toBe(m.has(probe));
      expect(d.size).toBe(m.size);
    }
  });

  it('a RecentWindow wider than its first ring (1 024) widens it and evicts as one on a Map does', () => {
    const a = new RecentWindow<number>(5000, true);
    const c = new RecentWindow<number>(5000);
    // The reference: a Map's insertion order, the oldest evicted past 5 000.
    const ref = new Map<number, number>();
    const b = {
      add(id: number, v: number): number | undefined {
        if (ref.has(id)) {
          ref.set(id, v);
          return undefined;
        }
        let gone: number | undefined;
        if (ref.size === 5000) {
          const oldest = ref.keys().next().value as number;
          gone = ref.get(oldest);
          ref.delete(oldest);
        }
        ref.set(id, v);
        return gone;
      },
      get: (id: number) => ref.get(id),
      get size() {
        return ref.size;
      },
    };
    const rng = createRng(rngStateFrom(6, 0xd1ec));
    let next = 1;
    const live: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      if (live.length < 300 && rng.int(2) === 0) live.push(next++);
      else if (live.length > 0) {
        const id = live.splice(rng.int(live.length), 1)[0]!;
        const want = b.add(id, id * 2);
        expect(a.add(id, id * 2)).toBe(want);
        expect(c.add(id, id * 2)).toBe(want);
      }
      const probe = Math.max(1, next - 1 - rng.int(8000));
      expect(a.get(probe)).toBe(b.get(probe));
      expect(c.get(probe)).toBe(b.get(probe));
      expect(a.size).toBe(b.size);
    }
    expect(a.size).toBe(5000);
  });
});
