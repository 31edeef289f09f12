// What an exploration's `strategy` means for each seed: an ordering strategy for the
// simulator's scheduler (random, pct, pos, delay-bounded: src/runtime/sim/strategy-spec.ts),
// swarm (the scenario's fault knobs drawn per seed, ordering random: swarm.ts), or portfolio
// (the seeds dealt round-robin over all of them, each seed's summary naming its own).

import { defaultDepth, needsStepsEstimate, orderingStrategyNames, type StrategySpec } from '../runtime/sim/strategy-spec.ts';
import { fail } from '../util/errors.ts';

export const exploreStrategyNames = [...orderingStrategyNames, 'swarm', 'portfolio'] as const;
export type ExploreStrategyName = (typeof exploreStrategyNames)[number];

/** The strategies a portfolio deals its seeds to, in turn. */
export const portfolioMembers: readonly Exclude<ExploreStrategyName, 'portfolio'>[] = ['random', 'pct', 'pos', 'delay-bounded', 'swarm'];

export interface ExploreStrategy {
  name: ExploreStrategyName;
  /** pct's d, delay-bounded's k (defaults: defaultDepth); in a portfolio, both. */
  depth?: number;
  /** pct, delay-bounded: steps over which choices are spread (default: a first random run's step count). */
  stepsEstimate?: number;
}

/** How one seed runs: the ordering strategy and whether swarm redraws the scenario's knobs. */
export interface SeedPlan {
  /** The name the seed's summary carries (a portfolio's member). */
  label: Exclude<ExploreStrategyName, 'portfolio'>;
  ordering: StrategySpec;
  swarm: boolean;
}

/** Does this exploration need a steps estimate before its first seed? */
export function wantsStepsEstimate(s: ExploreStrategy): boolean {
  return s.stepsEstimate === undefined && (needsStepsEstimate(s.name) || s.name === 'portfolio');
}

/** The plan of the seed at `index` (0 for the first seed of the range). */
export function planSeed(s: ExploreStrategy, index: number): SeedPlan {
  const label = s.name === 'portfolio' ? portfolioMembers[index % portfolioMembers.length]! : s.name;
  if (label === 'swarm' || label === 'random' || label === 'pos') return { label, ordering: { name: label === 'swarm' ? 'random' : label }, swarm: label === 'swarm' };
  if (s.stepsEstimate === undefined) fail('FAULTLINE_STRATEGY', `${label} needs a steps estimate before its first seed`);
  return { label, ordering: { name: label, depth: s.depth ?? defaultDepth[label], stepsEstimate: s.stepsEstimate }, swarm: false };
}
