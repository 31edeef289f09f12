// The ATC module: capacity, LRU versus FIFO victims, invalidation by predicate.

import { describe, expect, it } from 'vitest';
import { atcInsert, atcInvalidate, atcKeys, atcLookup, createAtc } from '../../../actors/device/atc.ts';

const entry = (page: number, pasid: number | null = 1) => ({ pasid, page, r: true, w: false, version: 0 });

describe('device ATC', () => {
  it('LRU evicts the least recently used entry', () => {
    const atc = createAtc(2);
    atcInsert(atc, entry(1));
    atcInsert(atc, entry(2));
    atcLookup(atc, 1, 1);
    expect(atcInsert(atc, entry(3))).toBe(1);
    expect(atcKeys(atc)).toEqual(['1:1', '1:3']);
  });

  it('FIFO evicts the oldest insertion even if it was just used', () => {
    const atc = createAtc(2, 'fifo');
    atcInsert(atc, entry(1));
    atcInsert(atc, entry(2));
    atcLookup(atc, 1, 1);
    expect(atcInsert(atc, entry(3))).toBe(1);
    expect(atcKeys(atc)).toEqual(['1:2', '1:3']);
  });

  it('capacity 0 caches nothing', () => {
    const atc = createAtc(0);
    expect(atcInsert(atc, entry(1))).toBe(0);
    expect(atcLookup(atc, 1, 1)).toBeUndefined();
  });

  it('keys PASID and no-PASID translations apart and invalidates by predicate', () => {
    const atc = createAtc(4);
    atcInsert(atc, entry(1, 1));
    atcInsert(atc, entry(1, null));
    atcInsert(atc, entry(2, 1));
    expect(atcLookup(atc, null, 1)?.pasid).toBeNull();
    expect(atcInvalidate(atc, (pasid, page) => pasid === 1 && page === 1)).toBe(1);
    expect(atcKeys(atc)).toEqual(['1:2', 'n:1']); // the lookup made n:1 most recent
  });
});
