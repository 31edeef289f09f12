// The check events waiting for the checker: each event with its stamps (seq, virtual time,
// actor index), in arrival order, in columns that grow to the capacity as they are first filled
// (preallocated, they added a quarter to a 10-step run's fixed cost). The checker fills a batch and
// then judges it in one tight loop (checker.ts says why); the batch drops its references to
// the events as it hands them out, so they die young. The stamps are plain arrays, not typed
// ones, so small integers (seq, actor) come back out as they went in, not as doubles.

import type { CheckEvent } from '../protocol/messages.ts';

export class EventBatch {
  // Written at index length, which is never past a column's own length: they grow packed.
  readonly events: (CheckEvent | null)[] = [];
  readonly seqs: number[] = [];
  readonly timesNs: number[] = [];
  readonly actors: number[] = [];
  length = 0;

  constructor(readonly capacity: number) {}

  /** Adds one event; true when the batch is full. */
  push(ev: CheckEvent, seq: number, timeNs: number, actor: number): boolean {
    const n = this.length;
    this.events[n] = ev;
    this.seqs[n] = seq;
    this.timesNs[n] = timeNs;
    this.actors[n] = actor;
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
