// Seeded pseudo-random numbers: sfc32, a small fast generator with 128 bits of state. A stream
// starts from plain data (rngStateFrom: a seed and a stream id), so the same seed replays it
// exactly.

export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform float in [0, 1). */
  float(): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

export interface RngState {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** splitmix32 step: used only to spread a seed over the sfc32 state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function rngStateFrom(seed: number, stream = 0): RngState {
  const s0 = splitmix32(seed >>> 0);
  const s1 = splitmix32(s0 ^ Math.imul(stream + 1, 0x27d4eb2d));
  const s2 = splitmix32(s1);
  const s3 = splitmix32(s2);
  const words = Int32Array.of(s0, s1, s2, s3 | 1);
  for (let i = 0; i < 12; i++) sfc32(words);
  return { a: words[0]!, b: words[1]!, c: words[2]!, d: words[3]! };
}

/** The state words in an Int32Array (a, b, c, d at 0..3). */
function sfc32(s: Int32Array): number {
  const a = s[0]!;
  const b = s[1]!;
  const c = s[2]!;
  const d = s[3]!;
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/**
 * A stream from `state` (taken as it is now; the stream keeps its own copy). The words live in an
 * Int32Array: as object fields they are mostly beyond a small integer's 31 bits, so every draw
 * read and wrote four boxed doubles (issue 9).
 */
export function createRng(state: RngState): Rng {
  const s = Int32Array.of(state.a, state.b, state.c, state.d);
  return {
    nextU32: () => sfc32(s),
    int: (n) => Math.floor((sfc32(s) / 4294967296) * n),
    float: () => sfc32(s) / 4294967296,
    chance: (p) => sfc32(s) / 4294967296 < p,
  };
}
