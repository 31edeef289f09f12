// Incremental 64-bit trace hash as two 32-bit FNV-1a lanes with different offsets, fed
// 32-bit words; cheap enough to run on every delivery of the deterministic runtime.

export class TraceHash {
  private lo = 0x811c9dc5 | 0;
  private hi = 0x050c5d1f | 0;

  word(w: number): void {
    this.lo = Math.imul(this.lo ^ (w & 0xffff), 0x01000193);
    this.lo = Math.imul(this.lo ^ (w >>> 16), 0x01000193);
    this.hi = Math.imul(this.hi ^ (w >>> 16), 0x01000193);
    this.hi = Math.imul(this.hi ^ (w & 0xffff), 0x01000193);
  }

  /** Same as word() on each, with the lanes kept in locals (the runtime hashes every delivery). */
  words(a: Int32Array, offset: number, count: number): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < count; i++) {
      const w = a[offset + i]!;
      const l16 = w & 0xffff;
      const h16 = w >>> 16;
      lo = Math.imul(Math.imul(lo ^ l16, 0x01000193) ^ h16, 0x01000193);
      hi = Math.imul(Math.imul(hi ^ h16, 0x01000193) ^ l16, 0x01000193);
    }
    this.lo = lo;
    this.hi = hi;
  }

  string(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  /** One lane of the state so far: enough to tell two runs' steps apart cheaply. */
  low32(): number {
    return this.lo >>> 0;
  }

  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}
