// The IOMMU's IOTLB: present translations only (no negative caching), keyed by
// (rid, pasid|none, page), each with the PTE version it was filled from. Replacement is FIFO by
// fill order (hits do not refresh an entry): deterministic and the simplest policy that still
// lets a stale entry survive until invalidated, which is what the invalidation rules guard.
// Storage and eviction are the shared bounded cache (src/util/bounded-cache.ts, the ATC's too)
// in 'fifo' order: every operation but a range invalidation is O(1). Keys are numbers packed
// from (page, rid, pasid) while the page fits in 16 bits (all within 2^53), the text form
// otherwise; the two kinds never collide.

import { cacheDelete, cacheDropWhere, cacheGet, cacheSet, createBoundedCache, type BoundedCache } from '../../src/util/bounded-cache.ts';

export interface IotlbEntry {
  asid: number;
  page: number;
  r: boolean;
  w: boolean;
  version: number;
}

/** A packed number, or the text `${rid}/${pasid|-}/${page}` for pages beyond 16 bits. */
export type IotlbKey = number | string;

/** Key → entry, in fill order (oldest first). */
export type Iotlb = BoundedCache<IotlbKey, IotlbEntry>;

const RID_SHIFT = 0x200000; // 2^21: pasid + 1 (0 = none) below, 20-bit PASIDs
const PAGE_SHIFT = 0x2000000000; // 2^37: rid (16 bits) * 2^21 below

export function createIotlb(capacity: number): Iotlb {
  return createBoundedCache(capacity, 'fifo');
}

export function iotlbKey(rid: number, pasid: number | null, page: number): IotlbKey {
  // `x === (x & mask)`: an integer within the field (non-integers and negatives take the text form).
  if (page === (page & 0xffff) && rid === (rid & 0xffff) && (pasid === null || pasid === (pasid & 0xfffff))) {
    return page * PAGE_SHIFT + rid * RID_SHIFT + (pasid === null ? 0 : pasid + 1);
  }
  return `${rid}/${pasid === null ? '-' : pasid}/${page}`;
}

/** The text form of a key, `${rid}/${pasid|-}/${page}` (tests, diagnostics). */
export function iotlbKeyText(key: IotlbKey): string {
  if (typeof key === 'string') return key;
  const page = Math.floor(key / PAGE_SHIFT);
  const low = key - page * PAGE_SHIFT;
  const rid = Math.floor(low / RID_SHIFT);
  const p = low - rid * RID_SHIFT;
  return `${rid}/${p === 0 ? '-' : p - 1}/${page}`;
}

/** Cached keys in fill order, oldest first, as text. */
export function iotlbKeys(t: Iotlb): string[] {
  return [...t.entries.keys()].map(iotlbKeyText);
}

export function iotlbLookup(t: Iotlb, key: IotlbKey): IotlbEntry | undefined {
  return cacheGet(t, key);
}

export function iotlbFill(t: Iotlb, key: IotlbKey, e: IotlbEntry): void {
  cacheSet(t, key, e);
}

/** Drop one entry; true when it was cached. */
export function iotlbDrop(t: Iotlb, key: IotlbKey): boolean {
  return cacheDelete(t, key);
}

/** Drop every entry of `asid` whose page is in [firstPage, firstPage + pages); pages 0 = the whole space. Returns how many. */
export function iotlbDropRange(t: Iotlb, asid: number, firstPage: number, pages: number): number {
  return cacheDropWhere(t, (e) => e.asid === asid && (pages === 0 || (e.page >= firstPage && e.page < firstPage + pages)));
}
