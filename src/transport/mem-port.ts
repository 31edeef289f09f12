// Port<M> as a bounded in-memory FIFO of message objects, for the single-thread runtime and
// tests. Same contract as SabPort — trySend is false when full, drain is FIFO and bounded —
// but messages are visible as soon as they are sent: flush only counts, and rings the
// optional Wakeup once if something was sent since the last flush, as SabPort does.
import type { Port, Wakeup } from './port.ts';
import { fail } from '../util/errors.ts';

export class MemPort<M> implements Port<M> {
  readonly capacity: number;
  flushCount = 0;
  signalCount = 0;
  private readonly items: (M | undefined)[];
  private headIndex = 0;
  private count = 0;
  private sentSinceFlush = 0;
  private readonly wakeup: Wakeup | undefined;

  constructor(capacityMessages: number, wakeup?: Wakeup) {
    if (!Number.isInteger(capacityMessages) || capacityMessages < 1) {
      fail('FAULTLINE_PORT_CAPACITY', `port capacity must be a positive integer, got ${capacityMessages}`, { capacityMessages });
    }
    this.capacity = capacityMessages;
    this.items = new Array<M | undefined>(capacityMessages).fill(undefined);
    this.wakeup = wakeup;
  }

  trySend(msg: M): boolean {
    if (this.count === this.capacity) return false;
    let tailIndex = this.headIndex + this.count;
    if (tailIndex >= this.capacity) tailIndex -= this.capacity;
    this.items[tailIndex] = msg;
    this.count++;
    this.sentSinceFlush++;
    return true;
  }

  flush(): void {
    this.flushCount++;
    if (this.sentSinceFlush === 0) return;
    this.sentSinceFlush = 0;
    this.signalCount++;
    this.wakeup?.signal(1);
  }

  drain(max: number, fn: (msg: M) => void): number {
    const n = Math.min(max, this.count);
    for (let i = 0; i < n; i++) {
      const msg = this.items[this.headIndex] as M;
      this.items[this.headIndex] = undefined; // drop the reference so drained messages can be collected
      if (++this.headIndex === this.capacity) this.headIndex = 0;
      this.count--;
      fn(msg);
    }
    return n > 0 ? n : 0;
  }

  depth(): number {
    return this.count;
  }
}
