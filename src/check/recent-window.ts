// A bounded window of the most recently finished items, by integer id, oldest evicted first:
// a Map for lookup and a ring of the ids in insertion order, so evicting the oldest allocates
// nothing (a Map's own iterator would, once per finished group). Ids leave only by eviction;
// adding an id already held replaces its value and keeps its place, as a Map does. For ids
// handed out in sequence (ghosts) the lookup can be a DirectMap instead of a Map.

import { DirectMap } from '../util/direct-map.ts';

export class RecentWindow<T> {
  private readonly byId: Map<number, T> | DirectMap<T>;
  private readonly order: Float64Array;
  private head = 0;

  /** `sequentialIds`: the ids are ghost ids (uint32, handed out in sequence): looked up direct-mapped. */
  constructor(
    readonly max: number,
    sequentialIds = false,
  ) {
    this.order = new Float64Array(max);
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
    const at = (this.head + this.byId.size) % this.max;
    if (this.byId.size === this.max) {
      const oldest = this.order[this.head]!;
      gone = this.byId.get(oldest);
      this.byId.delete(oldest);
      this.head = (this.head + 1) % this.max;
    }
    this.order[at] = id;
    this.byId.set(id, value);
    return gone;
  }
}
