// A bounded key → value cache with one eviction order, shared by the device's ATC
// (actors/device/atc.ts, 'lru' by default or 'fifo') and the IOMMU's IOTLB
// (actors/iommu/iotlb.ts, 'fifo'). Entries live in one Map whose insertion order is the victim
// order (victim first): 'fifo' evicts the oldest insertion (a hit or a refill keeps an entry's
// place), 'lru' the least recently used (a hit or a refill moves the entry to the back). Every
// operation but a predicate drop is O(1) and allocates nothing. Capacity 0 caches nothing.
// The value last evicted is kept as `spare` for the owner to refill for its next insert
// (cacheTakeSpare): a cache that evicts on every insert otherwise turns each of its values,
// old enough to have been promoted, into old-generation garbage (issue 9).
// Plain data (a Map, its victim cursor and three fields), so it lives in actor state.

import { fail } from './errors.ts';

export type EvictionOrder = 'fifo' | 'lru';

export interface BoundedCache<K, V> {
  capacity: number;
  order: EvictionOrder;
  /** Key → value, victim first. */
  entries: Map<K, V>;
  /** The value evicted last, cached no more; undefined once taken (cacheTakeSpare). */
  spare: V | undefined;
  /**
   * The keys() iterator of `entries` kept from one eviction to the next (victimOf), or undefined.
   * Every key it has returned was evicted at once, so every live entry lies ahead of it and its
   * next key is the victim, found without a walk: a fresh iterator starts at the table's front and
   * walks over the slots evicted and moved entries left there until the next rehash (about 1 µs at
   * 1024 entries, against 0.24; issue 9). In the record rather than in a WeakMap beside it: that
   * lookup was a third of an eviction's cost.
   */
  cursor: Iterator<K> | undefined;
  /** The Map `cursor` iterates (a caller may replace `entries`). */
  cursorOf: Map<K, V> | undefined;
}

export function createBoundedCache<K, V>(capacity: number, order: EvictionOrder): BoundedCache<K, V> {
  if (!(Number.isInteger(capacity) && capacity >= 0)) {
    fail('FAULTLINE_CACHE_CAPACITY', `a bounded cache needs an integer capacity >= 0, got ${capacity}`, { capacity });
  }
  return { capacity, order, entries: new Map(), spare: undefined, cursor: undefined, cursorOf: undefined };
}

/** The value cached under `key`; under 'lru' a hit becomes the most recently used. */
export function cacheGet<K, V>(c: BoundedCache<K, V>, key: K): V | undefined {
  const value = c.entries.get(key);
  if (value !== undefined && c.order === 'lru') {
    c.entries.delete(key);
    c.entries.set(key, value);
  }
  return value;
}

/** Insert or replace (a replaced entry keeps its place under 'fifo'); returns how many entries were evicted (0 or 1). */
export function cacheSet<K, V>(c: BoundedCache<K, V>, key: K, value: V): number {
  if (c.capacity === 0) return 0;
  const entries = c.entries;
  if (entries.has(key)) {
    if (c.order === 'lru') entries.delete(key);
    entries.set(key, value);
    return 0;
  }
  return insertAbsent(c, entries, key, value);
}

/**
 * Insert `key`, which the caller knows is not cached (it has just missed it, with nothing in
 * between): cacheSet without its look for a replaced entry. Returns how many entries were evicted (0 or 1).
 */
export function cacheSetAbsent<K, V>(c: BoundedCache<K, V>, key: K, value: V): number {
  if (c.capacity === 0) return 0;
  return insertAbsent(c, c.entries, key, value);
}

function insertAbsent<K, V>(c: BoundedCache<K, V>, entries: Map<K, V>, key: K, value: V): number {
  let evicted = 0;
  if (entries.size >= c.capacity) {
    const victim = victimOf(c, entries);
    c.spare = entries.get(victim);
    entries.delete(victim);
    evicted = 1;
  }
  entries.set(key, value);
  return evicted;
}

/** The first key in the Map's order (the Map is not empty), from the cache's cursor. */
function victimOf<K, V>(c: BoundedCache<K, V>, entries: Map<K, V>): K {
  let cursor = c.cursor;
  if (cursor !== undefined && c.cursorOf === entries) {
    const r = cursor.next();
    if (r.done !== true) return r.value;
  }
  cursor = entries.keys();
  c.cursor = cursor;
  c.cursorOf = entries;
  return cursor.next().value as K;
}

/** The value evicted last, for the owner to refill and insert again (no one else holds it), or undefined; taken once. */
export function cacheTakeSpare<K, V>(c: BoundedCache<K, V>): V | undefined {
  const spare = c.spare;
  c.spare = undefined;
  return spare;
}

/** Drop one entry; true when it was cached. */
export function cacheDelete<K, V>(c: BoundedCache<K, V>, key: K): boolean {
  return c.entries.delete(key);
}

/** Drop every entry `match` selects, asking in victim order; returns how many were dropped. */
export function cacheDropWhere<K, V>(c: BoundedCache<K, V>, match: (value: V, key: K) => boolean): number {
  let dropped = 0;
  for (const [key, value] of c.entries) {
    if (match(value, key)) {
      c.entries.delete(key);
      dropped++;
    }
  }
  return dropped;
}

export function cacheClear<K, V>(c: BoundedCache<K, V>): void {
  c.entries.clear();
}
