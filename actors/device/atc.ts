// The Address Translation Cache of one function: translations keyed by (PASID or none, page)
// with their R/W permissions and the mapping version the completion carried. Bounded by
// `atcEntries`; the victim is chosen by the replacement policy: 'lru' (default; a hit moves the
// entry to the back) or 'fifo' (insertion order). Capacity 0 means no ATC: nothing is cached
// and every access translates. Invalidation drops entries by predicate, so over-invalidation
// (always safe) is a caller's choice. Storage and eviction are the shared bounded cache
// (src/util/bounded-cache.ts, the IOTLB's too): lookups, inserts and LRU touches are O(1). Keys
// are numbers packed from (pasid, page) while the page fits in 32 bits, the text form otherwise;
// small ones (page < 2^16, PASID < 2^14 - 1) are negative and within V8's small integers, so a
// key is not a heap number allocated per lookup and hashed as a double (issue 9).

import { cacheClear, cacheDropWhere, cacheGet, cacheSet, cacheTakeSpare, createBoundedCache, type BoundedCache, type EvictionOrder } from '../../src/util/bounded-cache.ts';

export type AtcReplacement = EvictionOrder;

export interface AtcEntry {
  pasid: number | null;
  page: number;
  r: boolean;
  w: boolean;
  version: number;
}

/** A packed number, or the text `${pasid ?? 'n'}:${page}` for pages beyond 32 bits. */
export type AtcKey = number | string;

/** Key → entry, victim first, evicted in the function's replacement order. */
export type Atc = BoundedCache<AtcKey, AtcEntry>;

const PASID_SHIFT = 0x100000000; // 2^32: pasid + 1 (0 = none) above the page

export function createAtc(capacity: number, replacement: AtcReplacement = 'lru'): Atc {
  return createBoundedCache(capacity, replacement);
}

export function atcKey(pasid: number | null, page: number): AtcKey {
  // Small: -(pasid' * 2^16 + page) - 1 in [-2^30, -1]; the forms below are never negative.
  if (page === (page & 0xffff) && (pasid === null || (pasid === (pasid & 0x3fff) && pasid < 0x3fff))) {
    return -((pasid === null ? 0 : pasid + 1) * 0x10000 + page) - 1;
  }
  // `page === page >>> 0`: an integer in 0..2^32-1 (others take the text form).
  if (page === page >>> 0 && (pasid === null || pasid === (pasid & 0xfffff))) {
    return (pasid === null ? 0 : pasid + 1) * PASID_SHIFT + page;
  }
  return `${pasid ?? 'n'}:${page}`;
}

/** Cached entries' keys, victim first, as text `${pasid ?? 'n'}:${page}` (tests, diagnostics). */
export function atcKeys(atc: Atc): string[] {
  return [...atc.entries.values()].map((e) => `${e.pasid ?? 'n'}:${e.page}`);
}

export function atcLookup(atc: Atc, pasid: number | null, page: number): AtcEntry | undefined {
  if (atc.capacity === 0) return undefined;
  return cacheGet(atc, atcKey(pasid, page));
}

/** Insert or refresh; returns the number of entries evicted (0 or 1). */
export function atcInsert(atc: Atc, entry: AtcEntry): number {
  if (atc.capacity === 0) return 0;
  return cacheSet(atc, atcKey(entry.pasid, entry.page), entry);
}

/** Insert or refresh the translation of (pasid, page) in the entry the ATC evicted last, or a new one; returns the number of entries evicted (0 or 1). */
export function atcFill(atc: Atc, pasid: number | null, page: number, r: boolean, w: boolean, version: number): number {
  if (atc.capacity === 0) return 0;
  const spare = cacheTakeSpare(atc);
  if (spare === undefined) return cacheSet(atc, atcKey(pasid, page), { pasid, page, r, w, version });
  spare.pasid = pasid;
  spare.page = page;
  spare.r = r;
  spare.w = w;
  spare.version = version;
  return cacheSet(atc, atcKey(pasid, page), spare);
}

/** Drop every entry `match` selects, calling it in victim order; returns how many were dropped. */
export function atcInvalidate(atc: Atc, match: (pasid: number | null, page: number) => boolean): number {
  return cacheDropWhere(atc, (e) => match(e.pasid, e.page));
}

/** Drop everything (a function reset). */
export function atcClear(atc: Atc): void {
  cacheClear(atc);
}
