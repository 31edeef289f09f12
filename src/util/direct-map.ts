// A map from integer ids (0..2^53) to values, direct-mapped on the id's low bits with a Map
// for the ids that collide: for the checker's windows of ghost ids, the IOPF cores' group ids
// and the device's ATS tags, which are handed out in sequence, so the ids held at once rarely
// share their low bits. A lookup is an array index
// and a compare instead of a hash into a table of tens of thousands of entries (issue 9).
// The same answers as a Map for any ids; no iteration (its users never iterate).

export class DirectMap<T> {
  private readonly mask: number;
  /** Id held in each slot; -1: empty. */
  private readonly ids: Float64Array;
  private readonly values: (T | undefined)[];
  private readonly collided = new Map<number, T>();
  private direct = 0;

  /** 2^bits slots; a window of n ids wants bits with 2^bits ≥ 2n. */
  constructor(bits: number) {
    this.mask = (1 << bits) - 1;
    this.ids = new Float64Array(1 << bits).fill(-1);
    this.values = new Array<T | undefined>(1 << bits).fill(undefined);
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
    }
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
