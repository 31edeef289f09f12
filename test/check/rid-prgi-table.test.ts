// RidPrgiTable (the group table's per-(RID, PRGI) state, issue 9) answers as a Map keyed by
// RID·512 + PRGI would, keys past a u16 RID or a 9-bit PRGI included.

import { describe, expect, it } from 'vitest';
import { RidPrgiTable } from '../../src/check/rid-prgi-table.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

describe('RidPrgiTable', () => {
  it('matches a Map over 50 000 mixed operations, wide keys included', () => {
    const rng = createRng(rngStateFrom(7, 0x0d1d));
    const table = new RidPrgiTable<number>();
    const m = new Map<number, number>();
    const rids = [0, 0x100, 0x200, 0xffff, 0x10000];
    for (let i = 0; i < 50_000; i++) {
      const rid = rids[rng.int(rids.length)]!;
      const prgi = rng.int(8) === 0 ? 512 + rng.int(4) : rng.int(512);
      const k = rid * 512 + prgi;
      const op = rng.int(3);
      if (op === 0) {
        table.set(rid, prgi, i);
        m.set(k, i);
      } else if (op === 1) {
        table.delete(rid, prgi);
        m.delete(k);
      }
      expect(table.get(rid, prgi)).toBe(m.get(k));
    }
  });
});
