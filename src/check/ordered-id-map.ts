// A map from integer ids (0..2^52) to values that iterates in insertion order, as a Map does,
// for the checker's per-group tables whose end-of-run sweep or eviction reads that order (the
// group table's live groups, I4's queue entries, I8's groups at a handler, the metrics'
// flights). Entries sit in a pool of slots linked in insertion order (typed arrays, a free
// list); an id finds its slot direct-mapped on its low bits, with a Map for the ids that
// collide. A Map here grew and shrank its hash table with every group and cost a hash per
// event (issue 9); this allocates nothing once warm. Same answers and order as a Map: setting
// an id already held keeps its place; deleting and setting again moves it to the end.
// The direct table starts small and grows (×4, up to 2^bitsMax slots) when the colliding ids
// pass an eighth of it, as DirectMap's does (src/util/direct-map.ts): a short run never pays
// for the largest window.

/** Direct slots a table starts with (log2). */
const bitsStart = 6;

export class OrderedIdMap<T> {
  private readonly bitsMax: number;
  private bits: number;
  private mask: number;
  /** Per direct slot: the id held + 1 (0: empty, so a fresh array needs no fill), and its pool slot. */
  private directIds: Float64Array;
  private directSlots: Int32Array;
  private readonly collided = new Map<number, number>();
  /** The pool: id, value, and the insertion-order links (-1: none) of each slot. */
  private ids = new Float64Array(64);
  private values: (T | undefined)[] = new Array<T | undefined>(64).fill(undefined);
  private prev = new Int32Array(64);
  private next = new Int32Array(64);
  private head = -1;
  private tail = -1;
  private free = -1;
  private used = 0;
  private count = 0;

  /** At most 2^bitsMax direct slots; ids held at once that are spread over fewer than 2^bitsMax consecutive values never collide. */
  constructor(bitsMax: number) {
    this.bitsMax = bitsMax;
    this.bits = Math.min(bitsMax, bitsStart);
    this.mask = (1 << this.bits) - 1;
    this.directIds = new Float64Array(1 << this.bits);
    this.directSlots = new Int32Array(1 << this.bits);
  }

  get size(): number {
    return this.count;
  }

  /** The pool slot of id, or -1. */
  private slotOf(id: number): number {
    const i = id & this.mask;
    if (this.directIds[i] === id + 1) return this.directSlots[i]!;
    return this.collided.size === 0 ? -1 : (this.collided.get(id) ?? -1);
  }

  get(id: number): T | undefined {
    const s = this.slotOf(id);
    return s < 0 ? undefined : this.values[s];
  }

  has(id: number): boolean {
    return this.slotOf(id) >= 0;
  }

  set(id: number, value: T): void {
    const held = this.slotOf(id);
    if (held >= 0) {
      this.values[held] = value;
      return;
    }
    let s = this.free;
    if (s >= 0) this.free = this.next[s]!;
    else {
      if (this.used === this.ids.length) this.grow();
      s = this.used++;
    }
    this.ids[s] = id;
    this.values[s] = value;
    this.prev[s] = this.tail;
    this.next[s] = -1;
    if (this.tail >= 0) this.next[this.tail] = s;
    else this.head = s;
    this.tail = s;
    this.count++;
    this.index(id, s);
    if (this.bits < this.bitsMax && this.collided.size > (this.mask + 1) >> 3) this.growDirect();
  }

  /** Pool slot s holds id: into id's direct slot, or with the collided ones. */
  private index(id: number, s: number): void {
    const i = id & this.mask;
    if (this.directIds[i] === 0) {
      this.directIds[i] = id + 1;
      this.directSlots[i] = s;
    } else this.collided.set(id, s);
  }

  /** Four times the direct slots (at most 2^bitsMax), every held id indexed again. */
  private growDirect(): void {
    this.bits = Math.min(this.bitsMax, this.bits + 2);
    this.mask = (1 << this.bits) - 1;
    this.directIds = new Float64Array(1 << this.bits);
    this.directSlots = new Int32Array(1 << this.bits);
    this.collided.clear();
    for (let s = this.head; s >= 0; s = this.next[s]!) this.index(this.ids[s]!, s);
  }

  delete(id: number): boolean {
    const i = id & this.mask;
    let s: number;
    if (this.directIds[i] === id + 1) {
      s = this.directSlots[i]!;
      this.directIds[i] = 0;
    } else {
      if (this.collided.size === 0) return false;
      s = this.collided.get(id) ?? -1;
      if (s < 0) return false;
      this.collided.delete(id);
    }
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.values[s] = undefined;
    this.next[s] = this.free;
    this.free = s;
    this.count--;
    return true;
  }

  /** The id inserted first of those held, or undefined when empty. */
  firstId(): number | undefined {
    return this.head < 0 ? undefined : this.ids[this.head];
  }

  /** The ids in insertion order (not for the hot path: the end-of-run sweeps). */
  *keys(): IterableIterator<number> {
    for (let s = this.head; s >= 0; s = this.next[s]!) yield this.ids[s]!;
  }

  /** [id, value] in insertion order (not for the hot path). */
  *entries(): IterableIterator<[number, T]> {
    for (let s = this.head; s >= 0; s = this.next[s]!) yield [this.ids[s]!, this.values[s] as T];
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Float64Array(size);
    ids.set(this.ids);
    this.ids = ids;
    const prev = new Int32Array(size);
    prev.set(this.prev);
    this.prev = prev;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    for (let s = this.values.length; s < size; s++) this.values.push(undefined);
  }
}
