// Seeded pseudo-random numbers: sfc32, a small fast generator with 128 bits of state held
// in plain data, so an actor's random stream is part of its snapshot and replays exactly.

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
  const state = { a: s0, b: s1, c: s2, d: s3 | 1 };
  for (let i = 0; i < 12; i++) sfc32(state);
  return state;
}

function sfc32(s: RngState): number {
  const t = (((s.a + s.b) | 0) + s.d) | 0;
  s.d = (s.d + 1) | 0;
  s.a = s.b ^ (s.b >>> 9);
  s.b = (s.c + (s.c << 3)) | 0;
  s.c = (s.c << 21) | (s.c >>> 11);
  s.c = (s.c + t) | 0;
  return t >>> 0;
}

export function createRng(state: RngState): Rng {
  return {
    nextU32: () => sfc32(state),
    int: (n) => Math.floor((sfc32(state) / 4294967296) * n),
    float: () => sfc32(state) / 4294967296,
    chance: (p) => sfc32(state) / 4294967296 < p,
  };
}
