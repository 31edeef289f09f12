// What the device tier's DMA workload is configured with, beyond the counts in WorkloadConfig:
// when accesses arrive (the arrival process), which page each one touches (the address
// pattern) and how many pages a page request group covers (a fixed number or a distribution).
// Plain data, derived from the scenario's `workload` section by src/scenario/derive.ts.

import { supportOf, type Distribution } from '../util/distribution.ts';

/** Page request groups are at most this many pages (the scenario's bound, src/scenario/schema.ts). */
export const groupPagesLimit = 64;

/** One access of a trace file, resolved to an address space (src/scenario/trace-file.ts). */
export interface TraceArrival {
  /** Run time at which the access arrives at the device. */
  timeNs: number;
  /** Address space (global index, AddressSpace.asid). */
  asid: number;
  page: number;
  write: boolean;
}

/** Whose accesses one open-loop arrival stream generates: each address space its own, or one per device function shared by its spaces. */
export type ArrivalScope = 'space' | 'function';

export type ArrivalConfig =
  /** Each of a space's inFlight slots starts its next access thinkNs after its last one finished. */
  | { readonly process: 'closed' }
  /** Exponential inter-arrival times at ratePerSec. */
  | { readonly process: 'poisson'; readonly ratePerSec: number; readonly per: ArrivalScope }
  /** One arrival every 1e9 / ratePerSec ns. */
  | { readonly process: 'constant'; readonly ratePerSec: number; readonly per: ArrivalScope }
  /** Two-state Markov-modulated Poisson: exponential on and off periods, Poisson at ratePerSec while on, nothing while off. */
  | { readonly process: 'onoff'; readonly ratePerSec: number; readonly onMeanNs: number; readonly offMeanNs: number; readonly per: ArrivalScope }
  /** The accesses of a trace file, at the trace's times, in its order. */
  | { readonly process: 'trace'; readonly rows: readonly TraceArrival[] };

export type PatternConfig =
  | { readonly kind: 'sequential' }
  | { readonly kind: 'uniform' }
  /** Pages 0, stride, 2·stride, … then 1, 1+stride, …: every page once per sweep. */
  | { readonly kind: 'strided'; readonly stride: number }
  /** The first ceil(hotFraction · pages) pages receive hotProbability of the accesses, uniformly. */
  | { readonly kind: 'hotset'; readonly hotFraction: number; readonly hotProbability: number }
  /** Page k − 1 has rank k; P(rank k) ∝ 1 / k^skew. */
  | { readonly kind: 'zipf'; readonly skew: number };

/** The most pages one group of this size distribution can have (samples are clipped to 1..groupPagesLimit). */
export function groupPagesMax(d: number | Distribution): number {
  if (typeof d === 'number') return d;
  return Math.max(1, Math.min(groupPagesLimit, Math.round(supportOf(d)[1])));
}

export function isOpenLoop(a: ArrivalConfig | undefined): boolean {
  return a !== undefined && a.process !== 'closed';
}
