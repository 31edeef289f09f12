// An in-memory bounded FIFO for the deterministic runtime: messages with the virtual time
// they become deliverable. Circular arrays, so neither push nor shift moves other entries.
// The arrays grow on demand (doubling, up to the channel's capacity) instead of being sized
// for the worst case: a topology's channels are sized for every device faulting at once
// (256 devices x 64 PASIDs x priAllocation 65535 exceeded the largest array V8 allows), while
// a run only ever holds what is in flight.

import type { Inbound } from '../../actor/define.ts';
import { Fifo } from '../../util/fifo.ts';

/** Slots allocated at first; doubled whenever a push finds them all taken. */
const initialSlots = 16;

export class SimQueue {
  readonly capacity: number;
  private msgs: (Inbound | undefined)[];
  private readyNs: Float64Array;
  private head = 0;
  private count = 0;
  /** Ready time of the last message pushed (kept after it leaves): a later one is never ready before it. */
  private lastReadyNs = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    const slots = Math.min(capacity, initialSlots);
    this.msgs = new Array<Inbound | undefined>(slots).fill(undefined);
    this.readyNs = new Float64Array(slots);
  }

  get length(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count === this.capacity;
  }

  push(msg: Inbound, readyNs: number): void {
    if (this.count === this.msgs.length) this.grow();
    // head + count < 2 × slots: a compare, not an integer division (`%`), wraps it.
    let at = this.head + this.count;
    if (at >= this.msgs.length) at -= this.msgs.length;
    this.msgs[at] = msg;
    this.readyNs[at] = readyNs;
    this.count++;
    this.lastReadyNs = readyNs;
  }

  /** Ready time of the last message pushed (0 before any): the earliest a FIFO successor may be ready. */
  tailReadyNs(): number {
    return this.lastReadyNs;
  }

  /** Ready time of the head; Infinity when empty. */
  headReadyNs(): number {
    return this.count === 0 ? Infinity : this.readyNs[this.head]!;
  }

  shift(): Inbound {
    const msg = this.msgs[this.head]!;
    this.msgs[this.head] = undefined;
    this.head = this.head + 1 === this.msgs.length ? 0 : this.head + 1;
    this.count--;
    return msg;
  }

  /** Snapshot of queued messages, head first (for reports). */
  peekAll(): Inbound[] {
    const out: Inbound[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.msgs[(this.head + i) % this.msgs.length]!);
    return out;
  }

  /** Twice the slots (at most the capacity), entries moved to the front in order. */
  private grow(): void {
    const old = this.msgs.length;
    const slots = Math.min(this.capacity, old * 2);
    const msgs = new Array<Inbound | undefined>(slots).fill(undefined);
    const readyNs = new Float64Array(slots);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % old;
      msgs[i] = this.msgs[from];
      readyNs[i] = this.readyNs[from]!;
    }
    this.msgs = msgs;
    this.readyNs = readyNs;
    this.head = 0;
  }
}

/** An unbounded FIFO for self-delivered messages (timers that fired, sys messages). */
export class SimInbox extends Fifo<Inbound> {}
