// An unbounded FIFO queue with O(1) amortised push and shift: an array with a moving head,
// compacted once more than half of it (and over 1024 items) has been taken out.

import { append } from './append.ts';

export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    append(this.items, item);
  }

  shift(): T {
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The queued items, head first (a copy). */
  peekAll(): T[] {
    return this.items.slice(this.head);
  }
}
