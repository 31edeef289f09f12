// A map from integer ids (0..2^53) to values, direct-mapped on the id's low bits with a Map
// for the ids that collide: for the checker's windows of ghost ids, the IOPF cores' group ids
// and the device's ATS tags, which are handed out in sequence, so the ids held at once rarely
// share their low bits. A lookup is an array index
// and a compare instead of a hash into a table of tens of thousands of entries (issue 9).
// The same answers as a Map for any ids; no iteration (its users never iterate).
// The table starts small and grows (×4, up to 2^bitsMax slots) when the colliding ids pass an
// eighth of it: a run makes dozens of these, and tables sized for the largest window up front
// cost megabytes and milliseconds per run that a short run never uses.

/** Slots a table starts with (log2). */
const bitsStart = 6;

export class DirectMap<T> {
  private readonly bitsMax: number;
  private bits: number;
  private mask: number;
  /** Id held in each slot; -1: empty. */
  private ids: Float64Array;
  private values: (T | undefined)[];
  private readonly collided = new Map<number, T>();
  private direct = 0;

  /** At most 2^bitsMax slots; a window of n ids wants bitsMax with 2^bitsMax ≥ 2n. */
  constructor(bitsMax: number) {
    this.bitsMax = bitsMax;
    this.bits = Math.min(bitsMax, bitsStart);
    this.mask = (1 << this.bits) - 1;
    this.ids = new Float64Array(1 << this.bits).fill(-1);
    this.values = new Array<T | undefined>(1 << this.bits).fill(undefined);
  }

  get size(): number {
    return this.direct + this.collided.size;
  }

  get(id: number): T | undefined {
    const i = id & this.mask;
    if (this.ids[i] === id) return this.values[i];
    return this.collided.size === 0 ? undefined : this.collided.get(id);
  }

  has(id: number): boolean {
    const i = id & this.mask;
    return this.ids[i] === id || (this.collided.size !== 0 && this.collided.has(id));
  }

  set(id: number, value: T): void {
    const i = id & this.mask;
    if (this.ids[i] === id) {
      this.values[i] = value;
    } else if (this.collided.size !== 0 && this.collided.has(id)) {
      this.collided.set(id, value);
    } else if (this.ids[i] === -1) {
      this.ids[i] = id;
      this.values[i] = value;
      this.direct++;
    } else {
      this.collided.set(id, value);
      if (this.bits < this.bitsMax && this.collided.size > (this.mask + 1) >> 3) this.grow();
    }
  }

  /** Four times the slots (at most 2^bitsMax), every entry placed again. */
  private grow(): void {
    const { ids, values } = this;
    const moved = [...this.collided];
    this.bits = Math.min(this.bitsMax, this.bits + 2);
    this.mask = (1 << this.bits) - 1;
    this.ids = new Float64Array(1 << this.bits).fill(-1);
    this.values = new Array<T | undefined>(1 << this.bits).fill(undefined);
    this.collided.clear();
    this.direct = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] !== -1) this.place(ids[i]!, values[i] as T);
    for (const [id, value] of moved) this.place(id, value);
  }

  /** An id not held: into its slot, or with the collided ones. */
  private place(id: number, value: T): void {
    const i = id & this.mask;
    if (this.ids[i] === -1) {
      this.ids[i] = id;
      this.values[i] = value;
      this.direct++;
    } else this.collided.set(id, value);
  }

  delete(id: number): boolean {
    const i = id & this.mask;
    if (this.ids[i] === id) {
      this.ids[i] = -1;
      this.values[i] = undefined;
      this.direct--;
      return true;
    }
    return this.collided.size !== 0 && this.collided.delete(id);
  }
}
