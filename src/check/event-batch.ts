// The check events waiting for the checker: each event with its stamps (seq, virtual time,
// actor index), in arrival order, in fixed preallocated columns. The checker fills a batch and
// then judges it in one tight loop (checker.ts says why); the batch drops its references to
// the events as it hands them out, so they die young.

import type { CheckEvent } from '../protocol/messages.ts';

export class EventBatch {
  readonly events: (CheckEvent | null)[];
  /** seq, timeNs, actor of event i at 3i, 3i + 1, 3i + 2 (all exact in a double). */
  readonly stamps: Float64Array;
  length = 0;

  constructor(readonly capacity: number) {
    this.events = new Array<CheckEvent | null>(capacity).fill(null);
    this.stamps = new Float64Array(3 * capacity);
  }

  /** Adds one event; true when the batch is full. */
  push(ev: CheckEvent, seq: number, timeNs: number, actor: number): boolean {
    const n = this.length;
    this.events[n] = ev;
    this.stamps[3 * n] = seq;
    this.stamps[3 * n + 1] = timeNs;
    this.stamps[3 * n + 2] = actor;
    this.length = n + 1;
    return n + 1 === this.capacity;
  }

  /** Event i, forgotten by the batch. */
  take(i: number): CheckEvent {
    const ev = this.events[i]!;
    this.events[i] = null;
    return ev;
  }
}
