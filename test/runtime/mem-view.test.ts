// The simulator's zeroed memory (src/runtime/mem-view.ts zeroedMemView): pages allocated on first
// non-zero store must read and write exactly as one zeroed Int32Array does.

import { describe, expect, it } from 'vitest';
import { plainMemView, zeroedMemView } from '../../src/runtime/mem-view.ts';
import { FaultlineError } from '../../src/util/errors.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

describe('zeroedMemView', () => {
  it('reads and writes as a zeroed Int32Array, over page edges and odd values', () => {
    const words = 5000; // not a whole number of pages
    const paged = zeroedMemView('m', words);
    const plain = plainMemView('m', new Int32Array(words));
    const odd = [0, -0, 1, -1, 0.5, -1.5, 2 ** 31, 2 ** 32, 2 ** 32 + 7, -(2 ** 31) - 1, Number.NaN, Number.POSITIVE_INFINITY, 0x7fffffff];
    const rng = createRng(rngStateFrom(11, 1));
    expect(paged.words).toBe(words);
    for (let i = 0; i < 20_000; i++) {
      const at = rng.chance(0.2) ? words - 1 - rng.int(3) : rng.int(words);
      if (rng.chance(0.5)) {
        const v = rng.chance(0.3) ? odd[rng.int(odd.length)]! : rng.nextU32() | 0;
        paged.store(at, v);
        plain.store(at, v);
      }
      expect(paged.load(at)).toBe(plain.load(at));
    }
    for (let at = 0; at < words; at++) expect(paged.load(at)).toBe(plain.load(at));
  });

  it('rejects an index outside the region as the plain view does', () => {
    const paged = zeroedMemView('m', 10);
    for (const bad of [-1, 10, 1.5, Number.NaN]) {
      expect(() => paged.load(bad)).toThrow(FaultlineError);
      expect(() => paged.store(bad, 1)).toThrow(/FAULTLINE_MEM_INDEX|outside/);
    }
  });
});
