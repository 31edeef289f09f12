// Small helpers for benchmarks: medians of repeated runs and ratio formatting. Every
// benchmark reports ratios against a baseline measured in the same run, because absolute
// figures drift by ±20–30 % on the shared 2-core machines.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function range(xs: number[]): [number, number] {
  return [Math.min(...xs), Math.max(...xs)];
}

export function fmtRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
}

export async function repeat<T>(times: number, fn: (i: number) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

/**
 * A same-process before/after: one warm-up run of each side, then `runs` rounds that alternate
 * which side goes first (so neither always meets the warmer or busier machine). Per side, the
 * CPU figure of every run and the digests its runs produced (one each when its output is stable).
 */
export function alternateSides<S>(sides: readonly S[], runs: number, once: (side: S) => { cpu: number; digest: string }): { cpu: number[][]; digests: Set<string>[] } {
  const cpu = sides.map(() => [] as number[]);
  const digests = sides.map(() => new Set<string>());
  for (const s of sides) once(s);
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? sides.map((_, j) => j) : sides.map((_, j) => sides.length - 1 - j);
    for (const j of order) {
      const o = once(sides[j]!);
      cpu[j]!.push(o.cpu);
      digests[j]!.add(o.digest);
    }
  }
  return { cpu, digests };
}
