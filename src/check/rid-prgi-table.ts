// A map keyed by a page request group's (RID, PRGI): a row of 512 slots (the PRGIs of PCIe)
// per RID that has raised, found through a RID-indexed array, so a lookup is two array loads
// and an update allocates nothing; a Map for any key out of those ranges. For the group
// table's per-(RID, PRGI) state, which a Map keyed by RID·512 + PRGI hashed and reallocated
// on every group (issue 9).

const prgiSlots = 512;

export class RidPrgiTable<T> {
  /** RID → 1 + its row's index (0: no row yet). */
  private readonly rowOfRid = new Int32Array(1 << 16);
  private readonly rows: (T | undefined)[][] = [];
  /** Keys past a u16 RID or a 9-bit PRGI, under RID·512 + PRGI. */
  private readonly wide = new Map<number, T>();

  get(rid: number, prgi: number): T | undefined {
    if (rid === (rid & 0xffff) && prgi === (prgi & (prgiSlots - 1))) {
      const r = this.rowOfRid[rid]!;
      return r === 0 ? undefined : this.rows[r - 1]![prgi];
    }
    return this.wide.get(rid * prgiSlots + prgi);
  }

  set(rid: number, prgi: number, value: T): void {
    if (rid === (rid & 0xffff) && prgi === (prgi & (prgiSlots - 1))) {
      let r = this.rowOfRid[rid]!;
      if (r === 0) {
        this.rows.push(new Array<T | undefined>(prgiSlots).fill(undefined));
        r = this.rowOfRid[rid] = this.rows.length;
      }
      this.rows[r - 1]![prgi] = value;
    } else this.wide.set(rid * prgiSlots + prgi, value);
  }

  delete(rid: number, prgi: number): void {
    if (rid === (rid & 0xffff) && prgi === (prgi & (prgiSlots - 1))) {
      const r = this.rowOfRid[rid]!;
      if (r !== 0) this.rows[r - 1]![prgi] = undefined;
    } else this.wide.delete(rid * prgiSlots + prgi);
  }
}
