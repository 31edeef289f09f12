// Zipf-distributed ranks 1..n (P(k) ∝ 1 / k^s, s > 0) by rejection-inversion (W. Hörmann and
// G. Derflinger, "Rejection-inversion to generate variates from monotone discrete
// distributions", ACM TOMACS 6(3), 1996), as in Apache Commons RNG's
// RejectionInversionZipfSampler: O(1) memory and expected time for any n, so a million-page
// address space needs no table, and every draw comes from the given seeded Rng.

import type { Rng } from './rng.ts';

/** What a sampler keeps: plain numbers, so it can live in an actor's state. */
export interface ZipfSampler {
  readonly n: number;
  readonly skew: number;
  readonly hIntegralX1: number;
  readonly hIntegralN: number;
  readonly squeeze: number;
}

export function zipfSampler(n: number, skew: number): ZipfSampler {
  const hIntegralX1 = hIntegral(1.5, skew) - 1;
  const hIntegralN = hIntegral(n + 0.5, skew);
  const squeeze = 2 - hIntegralInverse(hIntegral(2.5, skew) - h(2, skew), skew);
  return { n, skew, hIntegralX1, hIntegralN, squeeze };
}

/** A rank in 1..n; rank 1 is the most likely. */
export function sampleZipf(z: ZipfSampler, rng: Rng): number {
  for (;;) {
    const u = z.hIntegralN + rng.float() * (z.hIntegralX1 - z.hIntegralN);
    const x = hIntegralInverse(u, z.skew);
    let k = Math.floor(x + 0.5);
    if (k < 1) k = 1;
    else if (k > z.n) k = z.n;
    if (k - x <= z.squeeze || u >= hIntegral(k + 0.5, z.skew) - h(k, z.skew)) return k;
  }
}

/** The exact probability of rank k (for tests and reports): (1/k^s) / H(n, s). */
export function zipfProbability(n: number, skew: number, k: number): number {
  let norm = 0;
  for (let i = 1; i <= n; i++) norm += 1 / i ** skew;
  return 1 / k ** skew / norm;
}

function h(x: number, s: number): number {
  return Math.exp(-s * Math.log(x));
}

/** ∫ h from 1 to x, up to a constant: (x^(1−s) − 1) / (1 − s), log x at s = 1. */
function hIntegral(x: number, s: number): number {
  const logX = Math.log(x);
  return helper2((1 - s) * logX) * logX;
}

function hIntegralInverse(x: number, s: number): number {
  let t = x * (1 - s);
  if (t < -1) t = -1; // guards against rounding: the inverse's domain ends at t = −1
  return Math.exp(helper1(t) * x);
}

/** log(1 + x) / x, continuous at 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (e^x − 1) / x, continuous at 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
