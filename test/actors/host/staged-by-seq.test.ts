// StagedBySeq (actors/host/staged-by-seq.ts) behaves as the Map it replaced for the methods its
// users call: the same answers, sizes, keys and iteration order over a seeded random mix of
// operations, deletion while iterating included.
import { describe, expect, it } from 'vitest';
import { StagedBySeq } from '../../../actors/host/staged-by-seq.ts';
import { createRng, rngStateFrom } from '../../../src/util/rng.ts';

describe('StagedBySeq', () => {
  it('answers as a Map over 20 000 random operations', () => {
    const rng = createRng(rngStateFrom(7));
    const map = new Map<number, number[]>();
    const staged = new StagedBySeq<number>();
    for (let i = 0; i < 20_000; i++) {
      const seq = rng.int(6);
      const op = rng.int(10);
      if (op < 4) {
        const list = [i];
        map.set(seq, list);
        staged.set(seq, list);
      } else if (op < 7) {
        expect(staged.delete(seq)).toBe(map.delete(seq));
      } else if (op < 9) {
        expect(staged.get(seq)).toBe(map.get(seq));
        expect(staged.has(seq)).toBe(map.has(seq));
      } else {
        // As dropStagedBefore does: delete the lower seqs while iterating.
        for (const [k] of staged) if (k < seq) staged.delete(k);
        for (const [k] of map) if (k < seq) map.delete(k);
      }
      expect(staged.size).toBe(map.size);
      expect([...staged.keys()]).toEqual([...map.keys()]);
      expect([...staged]).toEqual([...map]);
    }
  });
});
