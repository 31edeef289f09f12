// What I4 holds: items enqueued and not yet dequeued, a count per key (ghost·8 + queue), listed
// at the end of a run in the order the keys were first enqueued, as a Map would (a key emptied
// and enqueued again goes to the end). The counts sit in an append-only log of first enqueues,
// and a DirectMap gives each key's place in it; an emptied key is dropped from the DirectMap
// and its log entry marked empty (key −1; keys are ≥ 0), to be skipped. The log is compacted
// (the live entries moved to its front, in order) when it fills, and doubles only when more than
// half of it is live. An OrderedIdMap here kept a linked list in insertion order up to date on
// every enqueue and dequeue, six of them a fault, for a listing read once (issue 9).

import { DirectMap } from '../../util/direct-map.ts';

/** Log entries to start with (they double as needed). */
const logStart = 1024;

export class HeldCounts {
  /** Key → its entry in the log. */
  private readonly placeOf = new DirectMap<number>(16);
  private keys = new Float64Array(logStart);
  private counts = new Float64Array(logStart);
  private length = 0;

  /** Adds n to key's count (a new key starts from 0, at the end of the order). */
  add(key: number, n: number): void {
    const at = this.placeOf.get(key);
    if (at !== undefined) {
      this.counts[at]! += n;
      return;
    }
    if (this.length === this.keys.length) this.makeRoom();
    const end = this.length++;
    this.keys[end] = key;
    this.counts[end] = n;
    this.placeOf.set(key, end);
  }

  /** Takes n from key's count, dropping the key once nothing is left (≤ 0); returns the count before (0 for a key not held). */
  take(key: number, n: number): number {
    const at = this.placeOf.get(key);
    if (at === undefined) return 0;
    const before = this.counts[at]!;
    if (before - n <= 0) {
      this.placeOf.delete(key);
      this.keys[at] = -1;
    } else this.counts[at] = before - n;
    return before;
  }

  /** [key, count] of every key held, in first-enqueue order (not for the hot path: the end-of-run listing). */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.length; i++) if (this.keys[i] !== -1) out.push([this.keys[i]!, this.counts[i]!]);
    return out;
  }

  /** A full log: its live entries moved to the front in order; twice the room when more than half were live. */
  private makeRoom(): void {
    let live = 0;
    for (let i = 0; i < this.length; i++) {
      const key = this.keys[i]!;
      if (key === -1) continue;
      this.keys[live] = key;
      this.counts[live] = this.counts[i]!;
      this.placeOf.set(key, live);
      live++;
    }
    this.length = live;
    if (live * 2 > this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys.subarray(0, live));
      this.keys = keys;
      const counts = new Float64Array(this.counts.length * 2);
      counts.set(this.counts.subarray(0, live));
      this.counts = counts;
    }
  }
}
