// A count per key (an integer ≥ 0), listed in the order the keys were first added, as a Map
// would (a key emptied or deleted and added again goes to the end): for the monitors whose
// per-group entries come and go on the hot path and whose order only an end-of-run listing
// reads (I4's items held per queue and group, I8's groups held per handler). The counts sit in
// an append-only log of first adds, and a DirectMap gives each key's place in it; a key leaving
// is dropped from the DirectMap and its log entry marked empty (key −1), to be skipped. The log
// is compacted (the live entries moved to its front, in order) when it fills, and doubles only
// when more than half of it is live. An OrderedIdMap kept a linked list in insertion order up to
// date on every add and removal, eleven of them a fault, for that one listing (issue 9).

import { DirectMap } from '../util/direct-map.ts';

/** Log entries to start with (they double as needed). */
const logStart = 1024;

export class OrderedCounts {
  /** Key → its entry in the log. */
  private readonly placeOf = new DirectMap<number>(16);
  private log = new Float64Array(logStart);
  private counts = new Float64Array(logStart);
  private length = 0;

  /** Adds n to key's count (key ≥ 0; a new key starts from 0, at the end of the order). */
  add(key: number, n: number): void {
    const at = this.placeOf.get(key);
    if (at !== undefined) {
      this.counts[at]! += n;
      return;
    }
    if (this.length === this.log.length) this.makeRoom();
    const end = this.length++;
    this.log[end] = key;
    this.counts[end] = n;
    this.placeOf.set(key, end);
  }

  /** Takes n from key's count, dropping the key once nothing is left (≤ 0); returns the count before (0 for a key not held). */
  take(key: number, n: number): number {
    const at = this.placeOf.get(key);
    if (at === undefined) return 0;
    const before = this.counts[at]!;
    if (before - n <= 0) this.drop(key, at);
    else this.counts[at] = before - n;
    return before;
  }

  /** Removes key whatever its count; false if it was not held. */
  delete(key: number): boolean {
    const at = this.placeOf.get(key);
    if (at === undefined) return false;
    this.drop(key, at);
    return true;
  }

  /** The keys held, in first-add order (not for the hot path). */
  keys(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.log[i] !== -1) out.push(this.log[i]!);
    return out;
  }

  private drop(key: number, at: number): void {
    this.placeOf.delete(key);
    this.log[at] = -1;
  }

  /** [key, count] of every key held, in first-add order (not for the hot path: the end-of-run listings). */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.length; i++) if (this.log[i] !== -1) out.push([this.log[i]!, this.counts[i]!]);
    return out;
  }

  /** A full log: its live entries moved to the front in order; twice the room when more than half were live. */
  private makeRoom(): void {
    let live = 0;
    for (let i = 0; i < this.length; i++) {
      const key = this.log[i]!;
      if (key === -1) continue;
      this.log[live] = key;
      this.counts[live] = this.counts[i]!;
      this.placeOf.set(key, live);
      live++;
    }
    this.length = live;
    if (live * 2 > this.log.length) {
      const log = new Float64Array(this.log.length * 2);
      log.set(this.log.subarray(0, live));
      this.log = log;
      const counts = new Float64Array(this.counts.length * 2);
      counts.set(this.counts.subarray(0, live));
      this.counts = counts;
    }
  }
}
