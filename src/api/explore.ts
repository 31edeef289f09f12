// Exploring seeds from the API: the scenario opened once with the caller's changes, the seed
// range checked, then one deterministic run per seed (in this thread or on a Piscina pool).

import { explore, type ExploreResult } from '../explore/explore.ts';
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
  const to = o.to ?? (o.from !== undefined ? from : (o.seeds ?? 20));
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

/** Explore an opened scenario over a checked seed range. */
export function exploreOpenedScenario(opened: OpenedScenario, range: { from: number; to: number }, o: ExploreScenarioOptions = {}): Promise<ExploreResult> {
  const shard = o.shard === undefined ? undefined : checkShard(o.shard, apiOptionName('shard'));
  return explore({
    scenario: opened.scenario,
    source: opened.source,
    ...range,
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
  return exploreOpenedScenario(openScenario(input, o), range, o);
}
