// The mean of a figure across seeds and its 95 % confidence interval: Student's t with n − 1
// degrees of freedom (the seeds' runs are independent samples; their spread is unknown). With
// one sample there is no interval. Used by sweeps (src/report/sweep-table.ts).

/** t(0.975, df) for df = 1..30 (two-sided 95 %), from the Student t distribution's tables. */
const t975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546,
  2.119905299, 2.109815578, 2.10092204, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
];

/** The normal distribution's 0.975 quantile. */
const z975 = 1.959963984540054;

/**
 * t(0.975, df): the table up to 30 degrees of freedom, above it the Cornish–Fisher expansion of
 * t around the normal quantile (Abramowitz & Stegun 26.7.5; error below 1e-6 from df 30 on).
 */
export function tQuantile975(df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new RangeError(`degrees of freedom must be a whole number ≥ 1; got ${df}`);
  if (df <= t975.length) return t975[df - 1]!;
  const z = z975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export interface MeanInterval {
  /** Samples that had the figure (finite values). */
  n: number;
  mean: number;
  /** Half-width of the 95 % interval (mean ± ci95); null with fewer than two samples. */
  ci95: number | null;
}

/** Mean and 95 % interval half-width of the finite values (NaN mean when there are none). */
export function meanInterval(values: readonly number[]): MeanInterval {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return { n, mean: Number.NaN, ci95: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, ci95: null };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { n, mean, ci95: (tQuantile975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n) };
}
