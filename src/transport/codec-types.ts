// The contract between message objects and fixed-width ring slots. A codec writes one
// message into `slotWords` 32-bit words of an Int32Array and reads it back; it never
// allocates on encode and allocates only the returned object on decode.

export interface Codec<M> {
  /** Words (4 bytes each) one slot needs; a channel's slot width must be at least this. */
  readonly slotWords: number;
  encode(msg: M, words: Int32Array, offset: number): void;
  decode(words: Int32Array, offset: number): M;
}
