// What an exploration's `strategy` means for each seed: an ordering strategy for the
// simulator's scheduler (random, pct, pos, delay-bounded: src/runtime/sim/strategy-spec.ts),
// swarm (the scenario's fault knobs drawn per seed, ordering random: swarm.ts), or portfolio
// (the seeds dealt round-robin over them, each seed's summary naming its own; its swarm seeds
// order and choose delays as pct), the default of explore.

import { defaultDepth, needsStepsEstimate, orderingStrategyNames, type StrategySpec } from '../runtime/sim/strategy-spec.ts';
import { fail } from '../util/errors.ts';

export const exploreStrategyNames = [...orderingStrategyNames, 'swarm', 'portfolio'] as const;
export type ExploreStrategyName = (typeof exploreStrategyNames)[number];

/**
 * The strategies a portfolio deals its seeds to, in turn (bench/RESULTS.md, issue 10): pct and
 * swarm twice each, since on the rare-window fixtures pct's window ends find the timing races and
 * swarm's knobs the capacity ones; random first, so a portfolio's first seed is the random run.
 * A portfolio's swarm seeds order and choose delays as pct does (swarm with delay choices).
 */
export const portfolioMembers: readonly Exclude<ExploreStrategyName, 'portfolio'>[] = ['random', 'pct', 'swarm', 'pos', 'pct', 'swarm', 'delay-bounded'];

/**
 * What `faultline explore` and exploreScenario search with when no strategy is named: the
 * portfolio, which finds every rare-window fixture's bug within 60 s on one core where random
 * finds few (bench/RESULTS.md, issue 10). `faultline run` keeps its seeded random order.
 */
export const defaultExploreStrategy: ExploreStrategyName = 'portfolio';

export interface ExploreStrategy {
  name: ExploreStrategyName;
  /** pct's d, delay-bounded's k (defaults: defaultDepth); in a portfolio, both (its swarm seeds' pct too). */
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
  const inPortfolio = s.name === 'portfolio';
  const label = inPortfolio ? portfolioMembers[index % portfolioMembers.length]! : (s.name as Exclude<ExploreStrategyName, 'portfolio'>);
  const swarm = label === 'swarm';
  if (label === 'random' || label === 'pos' || (swarm && !inPortfolio)) return { label, ordering: { name: label === 'pos' ? 'pos' : 'random' }, swarm };
  const ordering = label === 'swarm' ? 'pct' : label;
  if (s.stepsEstimate === undefined) fail('FAULTLINE_STRATEGY', `${label} needs a steps estimate before its first seed`);
  return { label, ordering: { name: ordering, depth: s.depth ?? defaultDepth[ordering], stepsEstimate: s.stepsEstimate }, swarm };
}
