// A bounded window of the most recently finished items, by integer id, oldest evicted first:
// a Map for lookup and a ring of the ids in insertion order, so evicting the oldest allocates
// nothing (a Map's own iterator would, once per finished group). Ids leave only by eviction;
// adding an id already held replaces its value and keeps its place, as a Map does. For ids
// handed out in sequence (ghosts) the lookup can be a DirectMap instead of a Map. The ring grows
// (×2) up to max as the window fills, so a short run never pays for a full window.

import { DirectMap } from '../util/direct-map.ts';

export class RecentWindow<T> {
  private readonly byId: Map<number, T> | DirectMap<T>;
  private order: Float64Array;
  private head = 0;

  /** `sequentialIds`: the ids are ghost ids (uint32, handed out in sequence): looked up direct-mapped. */
  constructor(
    readonly max: number,
    sequentialIds = false,
  ) {
    this.order = new Float64Array(Math.min(max, 1024));
    // Twice the window's slots: ids finishing out of order still rarely collide.
    this.byId = sequentialIds ? new DirectMap<T>(Math.max(4, Math.ceil(Math.log2(max)) + 1)) : new Map<number, T>();
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds id; returns the value of the oldest id it evicted to stay within max, or undefined. */
  add(id: number, value: T): T | undefined {
    if (this.byId.has(id)) {
      this.byId.set(id, value);
      return undefined;
    }
    let gone: T | undefined;
    const size = this.byId.size;
    if (size === this.order.length && size < this.max) this.widen();
    const ring = this.order.length;
    const at = (this.head + size) % ring;
    if (size === this.max) {
      const oldest = this.order[this.head]!;
      gone = this.byId.get(oldest);
      this.byId.delete(oldest);
      this.head = (this.head + 1) % ring;
    }
    this.order[at] = id;
    this.byId.set(id, value);
    return gone;
  }

  /** A full ring below max: twice the room (at most max), the ids kept oldest first. */
  private widen(): void {
    const old = this.order;
    const order = new Float64Array(Math.min(this.max, old.length * 2));
    order.set(old.subarray(this.head));
    order.set(old.subarray(0, this.head), old.length - this.head);
    this.order = order;
    this.head = 0;
  }
}
