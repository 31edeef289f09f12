// Distributions of a non-negative quantity (a hop latency, a service cost, an inter-arrival
// time, a group size): what a scenario declares, and how a seeded stream draws from it.
// Samples are whole numbers (ns, pages) so virtual time stays integral and replays exactly;
// a fixed distribution draws no randomness at all, so a scenario that declares none keeps
// its trace hash.

import { fail } from './errors.ts';
import type { Rng } from './rng.ts';

export type Distribution =
  | { readonly dist: 'fixed'; readonly value: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'exponential'; readonly mean: number }
  /** ln X ~ N(ln median, sigma²). */
  | { readonly dist: 'lognormal'; readonly median: number; readonly sigma: number }
  /** Inverse CDF through the points (value, cumulative probability), linear between them; the last p is 1. */
  | { readonly dist: 'empirical'; readonly points: readonly (readonly [number, number])[] };

export const distributionKinds = ['fixed', 'uniform', 'exponential', 'lognormal', 'empirical'] as const;

export function fixed(value: number): Distribution {
  return { dist: 'fixed', value };
}

/** A plain number in a scenario means a fixed value. */
export function asDistribution(d: number | Distribution): Distribution {
  return typeof d === 'number' ? fixed(d) : d;
}

export function isFixed(d: Distribution): d is { dist: 'fixed'; value: number } {
  return d.dist === 'fixed' || (d.dist === 'uniform' && d.min === d.max);
}

/** The value at cumulative probability p in [0, 1] (the exponential and log-normal tails are open: p = 1 is Infinity). */
export function quantile(d: Distribution, p: number): number {
  if (!(p >= 0 && p <= 1)) fail('FAULTLINE_DISTRIBUTION', `a quantile's probability is in 0..1, got ${p}`);
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * p;
    case 'exponential':
      return p >= 1 ? Infinity : -d.mean * Math.log1p(-p);
    case 'lognormal':
      return p <= 0 ? 0 : p >= 1 ? Infinity : d.median * Math.exp(d.sigma * normalQuantile(p));
    case 'empirical':
      return empiricalQuantile(d.points, p);
  }
}

/** Exact mean (the empirical table's is that of its piecewise-linear inverse CDF). */
export function meanOf(d: Distribution): number {
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case 'empirical': {
      const pts = d.points;
      let sum = pts[0]![0] * pts[0]![1];
      for (let i = 1; i < pts.length; i++) sum += ((pts[i - 1]![0] + pts[i]![0]) / 2) * (pts[i]![1] - pts[i - 1]![1]);
      return sum;
    }
  }
}

/** The smallest interval holding every sample, [min, max] (max may be Infinity). */
export function supportOf(d: Distribution): [number, number] {
  return [quantile(d, 0), quantile(d, 1)];
}

/** Quantiles that bound an open distribution (exponential, log-normal) in practice: its tails beyond them are left out. */
export const openTailQuantiles = [0.001, 0.999] as const;

/** The range worth planning for (and choosing in): the support, or [q0.001, q0.999] of an open distribution. */
export function practicalRangeOf(d: number | Distribution): [number, number] {
  const dist = asDistribution(d);
  const open = dist.dist === 'exponential' || dist.dist === 'lognormal';
  return [quantile(dist, open ? openTailQuantiles[0] : 0), quantile(dist, open ? openTailQuantiles[1] : 1)];
}

/** The largest value worth planning for: practicalRangeOf's end. */
export function practicalMaxOf(d: number | Distribution): number {
  return practicalRangeOf(d)[1];
}

/** One draw, rounded to a whole number ≥ 0. A fixed distribution takes nothing from rng. */
export function sample(d: Distribution, rng: Rng): number {
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min === d.max ? d.min : Math.round(d.min + (d.max - d.min) * rng.float());
    case 'exponential':
      return Math.round(-d.mean * Math.log1p(-rng.float()));
    case 'lognormal':
      return Math.round(d.median * Math.exp(d.sigma * standardNormal(rng)));
    case 'empirical':
      return Math.round(empiricalQuantile(d.points, rng.float()));
  }
}

/** A compact label for reports: "exp(mean 2000)", "U[100,300]", "1000". */
export function describeDistribution(d: Distribution): string {
  switch (d.dist) {
    case 'fixed':
      return String(d.value);
    case 'uniform':
      return `U[${d.min},${d.max}]`;
    case 'exponential':
      return `exp(mean ${d.mean})`;
    case 'lognormal':
      return `lognormal(median ${d.median}, sigma ${d.sigma})`;
    case 'empirical':
      return `empirical(${d.points.length} points)`;
  }
}

function empiricalQuantile(pts: readonly (readonly [number, number])[], p: number): number {
  if (p <= pts[0]![1]) return pts[0]![0];
  for (let i = 1; i < pts.length; i++) {
    const [v1, p1] = pts[i]!;
    if (p <= p1) {
      const [v0, p0] = pts[i - 1]!;
      return p1 === p0 ? v1 : v0 + ((v1 - v0) * (p - p0)) / (p1 - p0);
    }
  }
  return pts[pts.length - 1]![0];
}

/** Box–Muller from two uniforms (the second of the pair is not kept, so a draw is always two uniforms). */
function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.float();
  const u2 = rng.float();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const e = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((e[0]! * q + e[1]!) * q + e[2]!) * q + e[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
