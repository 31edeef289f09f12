// Records staged ahead of a syscall, by the syscall's seq, until the call reads them: the
// ufd.writeRec responses of a WRITE (ufd-objects.ts) and the ufd.invEntry entries of a
// HWPT_INVALIDATE (invalidate.ts). The VMM stages one call's records at a time, so that list
// sits in one slot: a Map's set and delete for every WRITE reallocated its table (issue 9).
// Lists of several seqs at once (a VMM that staged records and never made the call; the
// syscall fuzz) move to a Map, the slot's first, so keys and iteration keep the order staged,
// as the Map this replaces did. Only the Map methods its users call.

export class StagedBySeq<T> {
  /** Whether the slot holds a list; when it does, `more` is empty. */
  private slotUsed = false;
  private slotSeq = 0;
  private slotList: T[] | undefined = undefined;
  private readonly more = new Map<number, T[]>();

  get size(): number {
    return this.slotUsed ? 1 : this.more.size;
  }

  get(seq: number): T[] | undefined {
    if (this.slotUsed) return this.slotSeq === seq ? this.slotList : undefined;
    return this.more.size === 0 ? undefined : this.more.get(seq);
  }

  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }

  set(seq: number, list: T[]): void {
    if (this.slotUsed) {
      if (this.slotSeq === seq) {
        this.slotList = list;
        return;
      }
      // A second seq: every list in the Map, in the order staged.
      this.more.set(this.slotSeq, this.slotList!);
      this.clearSlot();
    } else if (this.more.size === 0) {
      this.slotUsed = true;
      this.slotSeq = seq;
      this.slotList = list;
      return;
    }
    this.more.set(seq, list);
  }

  delete(seq: number): boolean {
    if (this.slotUsed) {
      if (this.slotSeq !== seq) return false;
      this.clearSlot();
      return true;
    }
    return this.more.size !== 0 && this.more.delete(seq);
  }

  keys(): IterableIterator<number> {
    return this.slotUsed ? [this.slotSeq].values() : this.more.keys();
  }

  /** (seq, list) in the order staged; deleting while iterating is allowed, as for a Map. */
  [Symbol.iterator](): IterableIterator<[number, T[]]> {
    return this.slotUsed ? [[this.slotSeq, this.slotList!] as [number, T[]]].values() : this.more.entries();
  }

  private clearSlot(): void {
    this.slotUsed = false;
    this.slotSeq = 0;
    this.slotList = undefined;
  }
}
