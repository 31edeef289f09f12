// An in-memory bounded FIFO for the deterministic runtime: messages with the virtual time
// they become deliverable. Circular arrays, so neither push nor shift moves other entries.

import type { Inbound } from '../../actor/define.ts';
import { Fifo } from '../../util/fifo.ts';

export class SimQueue {
  readonly capacity: number;
  private readonly msgs: (Inbound | undefined)[];
  private readonly readyNs: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.msgs = new Array<Inbound | undefined>(capacity).fill(undefined);
    this.readyNs = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count === this.capacity;
  }

  push(msg: Inbound, readyNs: number): void {
    const at = (this.head + this.count) % this.capacity;
    this.msgs[at] = msg;
    this.readyNs[at] = readyNs;
    this.count++;
  }

  /** Ready time of the head; Infinity when empty. */
  headReadyNs(): number {
    return this.count === 0 ? Infinity : this.readyNs[this.head]!;
  }

  shift(): Inbound {
    const msg = this.msgs[this.head]!;
    this.msgs[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return msg;
  }

  /** Snapshot of queued messages, head first (for reports). */
  peekAll(): Inbound[] {
    const out: Inbound[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.msgs[(this.head + i) % this.capacity]!);
    return out;
  }
}

/** An unbounded FIFO for self-delivered messages (timers that fired, sys messages). */
export class SimInbox extends Fifo<Inbound> {}
