// The IOMMU's IOTLB: present translations only (no negative caching), keyed by
// (rid, pasid|none, page), each with the PTE version it was filled from. Replacement is FIFO by
// fill order (hits do not refresh an entry): deterministic and the simplest policy that still
// lets a stale entry survive until invalidated, which is what the invalidation rules guard.
// Storage and eviction are the shared bounded cache (src/util/bounded-cache.ts, the ATC's too)
// in 'fifo' order: every operation but a range invalidation is O(1). Keys are numbers packed
// from the space's slot (IommuState.spaceList) and the page: small ones (page < 2^16, slot <
// 2^14 - 1) are negative and within V8's small integers, so a key is not a heap number
// allocated per lookup and hashed as a double (issue 9); larger ones are packed from (page, rid,
// pasid) while the page fits in 16 bits (non-negative, within 2^53), the text form otherwise; the
// three kinds never collide.

import type { IommuSpace } from './iommu-state.ts';
import { cacheDelete, cacheDropWhere, cacheGet, cacheSetAbsent, cacheTakeSpare, createBoundedCache, type BoundedCache } from '../../src/util/bounded-cache.ts';

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

export function iotlbKey(sp: IommuSpace, page: number): IotlbKey {
  // `x === (x & mask)`: an integer within the field (non-integers and negatives take the text form).
  // Small: -(slot * 2^16 + page) - 1 in [-2^30, -1].
  if (page === (page & 0xffff) && sp.slot < 0x3fff) return -(sp.slot * 0x10000 + page) - 1;
  const rid = sp.space.rid;
  const pasid = sp.space.pasid;
  if (page === (page & 0xffff) && rid === (rid & 0xffff) && (pasid === null || pasid === (pasid & 0xfffff))) {
    return page * PAGE_SHIFT + rid * RID_SHIFT + (pasid === null ? 0 : pasid + 1);
  }
  return `${rid}/${pasid === null ? '-' : pasid}/${page}`;
}

/** The text form of a key, `${rid}/${pasid|-}/${page}` (tests, diagnostics); `spaceList` names a small key's space. */
export function iotlbKeyText(key: IotlbKey, spaceList: readonly IommuSpace[]): string {
  if (typeof key === 'string') return key;
  if (key < 0) {
    const small = -(key + 1);
    const sp = spaceList[Math.floor(small / 0x10000)]!.space;
    return `${sp.rid}/${sp.pasid === null ? '-' : sp.pasid}/${small % 0x10000}`;
  }
  const page = Math.floor(key / PAGE_SHIFT);
  const low = key - page * PAGE_SHIFT;
  const rid = Math.floor(low / RID_SHIFT);
  const p = low - rid * RID_SHIFT;
  return `${rid}/${p === 0 ? '-' : p - 1}/${page}`;
}

/** Cached keys in fill order, oldest first, as text. */
export function iotlbKeys(t: Iotlb, spaceList: readonly IommuSpace[]): string[] {
  return [...t.entries.keys()].map((k) => iotlbKeyText(k, spaceList));
}

export function iotlbLookup(t: Iotlb, key: IotlbKey): IotlbEntry | undefined {
  return cacheGet(t, key);
}

/** Fill `key`, which is not cached: the caller has just missed it (translate's walk). */
export function iotlbFill(t: Iotlb, key: IotlbKey, e: IotlbEntry): void {
  cacheSetAbsent(t, key, e);
}

/** An entry for iotlbFill: the one the IOTLB evicted last, refilled, or a new one. */
export function iotlbEntry(t: Iotlb, asid: number, page: number, r: boolean, w: boolean, version: number): IotlbEntry {
  const spare = cacheTakeSpare(t);
  if (spare === undefined) return { asid, page, r, w, version };
  spare.asid = asid;
  spare.page = page;
  spare.r = r;
  spare.w = w;
  spare.version = version;
  return spare;
}

/** Drop one entry; true when it was cached. */
export function iotlbDrop(t: Iotlb, key: IotlbKey): boolean {
  return cacheDelete(t, key);
}

/** Drop every entry of `asid` whose page is in [firstPage, firstPage + pages); pages 0 = the whole space. Returns how many. */
export function iotlbDropRange(t: Iotlb, asid: number, firstPage: number, pages: number): number {
  return cacheDropWhere(t, (e) => e.asid === asid && (pages === 0 || (e.page >= firstPage && e.page < firstPage + pages)));
}
