// Exploring seeds from the API: the scenario opened once with the caller's changes, the seed
// range, the strategy, the determinism self-check and the time budget checked, then one
// deterministic run per seed (in this thread or on a Piscina pool).

import { explore, type ExploreResult } from '../explore/explore.ts';
import { defaultExploreStrategy, exploreStrategyNames, type ExploreStrategy, type ExploreStrategyName } from '../explore/explore-strategy.ts';
import { checkStrategySpec } from '../runtime/sim/strategy-spec.ts';
import { didYouMean } from '../util/suggest.ts';
import type { SeedSummary } from '../explore/explore-task.ts';
import { checkShard, type ShardSpec } from '../explore/shard.ts';
import type { Scenario } from '../scenario/schema.ts';
import { fail } from '../util/errors.ts';
import { seedMax } from './constants.ts';
import { apiOptionName, openScenario, type OpenedScenario, type OptionName, type ScenarioChanges } from './scenario.ts';

export interface ExploreScenarioOptions extends Omit<ScenarioChanges, 'seed' | 'workers' | 'timeScale'> {
  /** Run seeds 1..seeds (default 20); or give from and to. */
  seeds?: number;
  from?: number;
  to?: number;
  /** Parallel workers (default 1 for up to 4 seeds, else up to 4). */
  jobs?: number;
  stopAtFirst?: boolean;
  /** Run only shard index of count (1-based; seeds from+k with k mod count = index − 1); see exploreShard and mergeResults. */
  shard?: ShardSpec;
  /** How seeds are scheduled: portfolio (default: random, pct, swarm, pos and delay-bounded in turn), random, pct, pos, delay-bounded or swarm. */
  strategy?: ExploreStrategyName;
  /** pct: the bug depth d (d − 1 priority change points, default 3); delay-bounded: the most deviations k (default 2). */
  depth?: number;
  /** pct, delay-bounded: the step count their choices are spread over (default: a first random run's). */
  stepsEstimate?: number;
  /** The determinism self-check: true runs every 10th seed twice, N every Nth; the trace hashes must match. */
  checkDeterminism?: boolean | number;
  /** A time budget in ms: no seed starts after it (without seeds/from/to, seeds run from 1 until it is spent). */
  timeMs?: number;
  onSeed?: (s: SeedSummary) => void;
  /** Stops handing out seeds; the result holds the seeds that ran (interrupted: true). */
  signal?: AbortSignal;
}

/** The seed range asked for, checked: seeds 1..N, or from..to within 0..2^32−1. */
export function seedRange(o: ExploreScenarioOptions, name: OptionName = apiOptionName): { from: number; to: number } {
  if (o.seeds !== undefined && (o.from !== undefined || o.to !== undefined)) fail('FAULTLINE_CLI_OPTION', `give either ${name('seeds')} N or ${name('from')} A ${name('to')} B, not both`);
  if (o.seeds !== undefined && !(Number.isInteger(o.seeds) && o.seeds >= 1 && o.seeds <= 1_000_000))
    fail('FAULTLINE_CLI_OPTION', `${name('seeds')} must be a whole number from 1 to 1000000; got ${o.seeds}`);
  const from = o.from ?? 1;
  const unbounded = o.timeMs !== undefined && o.seeds === undefined && o.to === undefined;
  const to = o.to ?? (unbounded ? Math.min(seedMax, from + 999_999) : o.from !== undefined ? from : (o.seeds ?? 20));
  for (const [k, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0 && v <= seedMax)) fail('FAULTLINE_CLI_OPTION', `${name(k)} must be a seed from 0 to ${seedMax}; got ${v}`);
  }
  if (to < from) fail('FAULTLINE_CLI_OPTION', `${name('to')} ${to} is below ${name('from')} ${from}`);
  if (to - from >= 1_000_000) fail('FAULTLINE_CLI_OPTION', `${to - from + 1} seeds: at most 1000000 in one exploration`);
  if (o.jobs !== undefined && !(Number.isInteger(o.jobs) && o.jobs >= 1 && o.jobs <= 64)) fail('FAULTLINE_CLI_OPTION', `${name('jobs')} must be a whole number from 1 to 64; got ${o.jobs}`);
  return { from, to };
}

/** Every Nth seed checked twice by default when the self-check is simply on. */
export const checkDeterminismEveryDefault = 10;

/** The exploration strategy, the self-check and the time budget asked for, checked. */
export function exploreStrategyOf(o: ExploreScenarioOptions, name: OptionName = apiOptionName): { strategy: ExploreStrategy; checkDeterminismEvery: number; timeMs?: number } {
  const chosen = o.strategy ?? defaultExploreStrategy;
  if (!(exploreStrategyNames as readonly string[]).includes(chosen)) {
    fail('FAULTLINE_CLI_OPTION', `${name('strategy')} must be one of ${exploreStrategyNames.join(', ')}; got '${String(chosen)}'${didYouMean(String(chosen), exploreStrategyNames)}`);
  }
  // A portfolio passes depth and the estimate to its pct and delay-bounded seeds: check them as pct's.
  const spread = chosen === 'pct' || chosen === 'delay-bounded' || chosen === 'portfolio';
  for (const k of ['depth', 'stepsEstimate'] as const) {
    if (o[k] !== undefined && !spread) fail('FAULTLINE_CLI_OPTION', `${name(k)} applies to pct, delay-bounded and portfolio only; got ${name('strategy')} ${chosen}`);
  }
  const spec = checkStrategySpec({ name: chosen === 'delay-bounded' ? chosen : 'pct', depth: o.depth, stepsEstimate: o.stepsEstimate }, name);
  const every = o.checkDeterminism === true ? checkDeterminismEveryDefault : o.checkDeterminism === false || o.checkDeterminism === undefined ? 0 : o.checkDeterminism;
  if (!(Number.isInteger(every) && every >= 0))
    fail('FAULTLINE_CLI_OPTION', `${name('checkDeterminism')} must be true, false or a whole number N ≥ 1 (every Nth seed); got ${String(o.checkDeterminism)}`);
  if (o.timeMs !== undefined && !(Number.isFinite(o.timeMs) && o.timeMs > 0)) fail('FAULTLINE_CLI_OPTION', `${name('timeMs')} must be a time budget above 0 ms; got ${o.timeMs}`);
  return {
    strategy: { name: chosen as ExploreStrategyName, ...(spec.depth !== undefined ? { depth: spec.depth } : {}), ...(spec.stepsEstimate !== undefined ? { stepsEstimate: spec.stepsEstimate } : {}) },
    checkDeterminismEvery: every,
    ...(o.timeMs !== undefined ? { timeMs: o.timeMs } : {}),
  };
}

/** Explore an opened scenario over a checked seed range. */
export function exploreOpenedScenario(opened: OpenedScenario, range: { from: number; to: number }, o: ExploreScenarioOptions = {}): Promise<ExploreResult> {
  const shard = o.shard === undefined ? undefined : checkShard(o.shard, apiOptionName('shard'));
  // A time budget makes a shard's seeds depend on its machine's speed: the merge could not be the unsharded run.
  if (shard !== undefined && o.timeMs !== undefined) fail('FAULTLINE_CLI_OPTION', `${apiOptionName('timeMs')} cannot be combined with ${apiOptionName('shard')}: give each shard a seed range instead`);
  return explore({
    scenario: opened.scenario,
    source: opened.source,
    ...range,
    ...exploreStrategyOf(o),
    ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
    ...(o.stopAtFirst ? { stopAtFirst: true } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(o.onSeed ? { onSeed: o.onSeed } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/**
 * Run a scenario in the simulator once per seed and gather, per invariant and per mark, which
 * seeds failed or reached it, the first failing seed with its replay line, and the seeds that
 * could not finish (errors, never findings).
 */
export async function exploreScenario(input: string | Scenario, o: ExploreScenarioOptions = {}): Promise<ExploreResult> {
  const range = seedRange(o);
  exploreStrategyOf(o);
  return exploreOpenedScenario(openScenario(input, o), range, o);
}
