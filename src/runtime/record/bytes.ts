// Growable byte streams of unsigned LEB128 varints, the unit every recording stream is made
// of: ByteWriter appends (and hands out its bytes in chunks), ByteReader reads them back and
// says where a stream ends early. Values are non-negative safe integers; small ones (the
// common case: deltas, channel indexes) take one byte.

import { fail } from '../../util/errors.ts';

export class ByteWriter {
  private buf: Uint8Array;
  private at = 0;

  constructor(initialBytes = 4096) {
    this.buf = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.at;
  }

  /** Room for `bytes` more bytes, so a record's values can be written unchecked. */
  reserve(bytes: number): void {
    while (this.at + bytes > this.buf.length) this.grow();
  }

  uint(value: number): void {
    if (this.at + 10 > this.buf.length) this.grow();
    this.uintUnchecked(value);
  }

  /** uint without the room check: the caller reserved 10 bytes per value. */
  uintUnchecked(value: number): void {
    const b = this.buf;
    if (value < 0x80) {
      b[this.at++] = value;
      return;
    }
    let v = value;
    // Beyond 31 bits, bit operations would truncate: step down arithmetically first.
    while (v > 0x7fffffff) {
      b[this.at++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v > 0x7f) {
      b[this.at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[this.at++] = v;
  }

  /** A signed value, zigzag-coded so small magnitudes stay small. */
  int(value: number): void {
    this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** The bytes written since the last take (a copy sized to fit, transferable); the writer starts over. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.at);
    this.at = 0;
    return out;
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }
}

export class ByteReader {
  private at = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  get offset(): number {
    return this.at;
  }

  uint(): number {
    const b = this.buf;
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= b.length) fail('FAULTLINE_RECORD_CORRUPT', `${this.what}: the stream ends inside a value at byte ${this.at}`);
      const byte = b[this.at++]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
      if (scale > 2 ** 56) fail('FAULTLINE_RECORD_CORRUPT', `${this.what}: a value at byte ${this.at} is longer than 8 bytes`);
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

/** Concatenates chunks of one stream, in order. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
