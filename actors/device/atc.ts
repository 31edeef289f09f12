// The Address Translation Cache of one function: translations keyed by (PASID or none, page)
// with their R/W permissions and the mapping version the completion carried. Bounded by
// `atcEntries`; the victim is chosen by the replacement policy: 'lru' (default; a hit moves the
// entry to the back) or 'fifo' (insertion order). Capacity 0 means no ATC: nothing is cached
// and every access translates. Invalidation drops entries by predicate, so over-invalidation
// (always safe) is a caller's choice. Entries live in one Map whose insertion order is the
// victim order (victim first), so lookups, inserts and LRU touches are O(1). Keys are numbers
// packed from (pasid, page) while the page fits in 32 bits, the text form otherwise.

export type AtcReplacement = 'fifo' | 'lru';

export interface AtcEntry {
  pasid: number | null;
  page: number;
  r: boolean;
  w: boolean;
  version: number;
}

/** A packed number, or the text `${pasid ?? 'n'}:${page}` for pages beyond 32 bits. */
export type AtcKey = number | string;

export interface Atc {
  capacity: number;
  /** Key → entry, victim first. */
  entries: Map<AtcKey, AtcEntry>;
}

const PASID_SHIFT = 0x100000000; // 2^32: pasid + 1 (0 = none) above the page

export function createAtc(capacity: number): Atc {
  return { capacity, entries: new Map() };
}

export function atcKey(pasid: number | null, page: number): AtcKey {
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

export function atcLookup(atc: Atc, pasid: number | null, page: number, policy: AtcReplacement): AtcEntry | undefined {
  if (atc.capacity === 0) return undefined;
  const key = atcKey(pasid, page);
  const entry = atc.entries.get(key);
  if (entry !== undefined && policy === 'lru') {
    atc.entries.delete(key);
    atc.entries.set(key, entry);
  }
  return entry;
}

/** Insert or refresh; returns the number of entries evicted (0 or 1). */
export function atcInsert(atc: Atc, entry: AtcEntry, policy: AtcReplacement): number {
  if (atc.capacity === 0) return 0;
  const entries = atc.entries;
  const key = atcKey(entry.pasid, entry.page);
  if (entries.has(key)) {
    if (policy === 'lru') entries.delete(key);
    entries.set(key, entry);
    return 0;
  }
  let evicted = 0;
  if (entries.size >= atc.capacity) {
    entries.delete(entries.keys().next().value!);
    evicted = 1;
  }
  entries.set(key, entry);
  return evicted;
}

/** Drop every entry `match` selects, calling it in victim order; returns how many were dropped. */
export function atcInvalidate(atc: Atc, match: (pasid: number | null, page: number) => boolean): number {
  let dropped = 0;
  for (const [key, e] of atc.entries) {
    if (match(e.pasid, e.page)) {
      atc.entries.delete(key);
      dropped++;
    }
  }
  return dropped;
}
