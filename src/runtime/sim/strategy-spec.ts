// A scheduling strategy as data: its name and parameters, so a run can be described in a replay
// line (`--strategy pct --depth 3 --steps-estimate 41000`), carried to a worker, and rebuilt from
// its seed. The strategies are in the files beside this one.

import { fail } from '../../util/errors.ts';
import { delayBoundedStrategy } from './delay-bounded-strategy.ts';
import { pctStrategy } from './pct-strategy.ts';
import { posStrategy } from './pos-strategy.ts';
import { randomStrategy, type Strategy } from './strategy.ts';

export const orderingStrategyNames = ['random', 'pct', 'pos', 'delay-bounded'] as const;
export type OrderingStrategyName = (typeof orderingStrategyNames)[number];

export interface StrategySpec {
  name: OrderingStrategyName;
  /** pct: the bug depth d (d − 1 change points); delay-bounded: k, the most deviations. */
  depth?: number;
  /** pct, delay-bounded: the run's expected step count, over which change points or deviations are drawn. */
  stepsEstimate?: number;
}

/** Defaults of `depth`: pct d = 3 (two change points), delay-bounded k = 2. */
export const defaultDepth: Record<'pct' | 'delay-bounded', number> = { pct: 3, 'delay-bounded': 2 };

/** The strategies that spread their choices over an estimated step count. */
export function needsStepsEstimate(name: string): name is 'pct' | 'delay-bounded' {
  return name === 'pct' || name === 'delay-bounded';
}

/** Build the spec's strategy for one seed. */
export function makeStrategy(spec: StrategySpec, seed: number): Strategy {
  switch (spec.name) {
    case 'random':
      return randomStrategy(seed);
    case 'pos':
      return posStrategy(seed);
    case 'pct':
    case 'delay-bounded': {
      const depth = spec.depth ?? defaultDepth[spec.name];
      if (spec.stepsEstimate === undefined) fail('FAULTLINE_STRATEGY', `${spec.name} needs a steps estimate (the step count of a first run)`);
      return spec.name === 'pct' ? pctStrategy(seed, depth, spec.stepsEstimate) : delayBoundedStrategy(seed, depth, spec.stepsEstimate);
    }
    default:
      return fail('FAULTLINE_STRATEGY', `unknown strategy '${String((spec as { name: unknown }).name)}'; one of ${orderingStrategyNames.join(', ')}`);
  }
}

/** The replay-line words for a spec: nothing for random (the seed alone replays it). */
export function strategyWords(spec: StrategySpec | undefined): string {
  if (spec === undefined || spec.name === 'random') return '';
  let w = ` --strategy ${spec.name}`;
  if (needsStepsEstimate(spec.name)) w += ` --depth ${spec.depth ?? defaultDepth[spec.name]} --steps-estimate ${spec.stepsEstimate}`;
  return w;
}

/**
 * Check a strategy spec from a user (the CLI's or the API's options), naming the option as the
 * caller spells it; `stepsEstimate` may be missing (explore measures it).
 */
export function checkStrategySpec(spec: { name: string; depth?: number | undefined; stepsEstimate?: number | undefined }, name: (key: string) => string): StrategySpec {
  if (!(orderingStrategyNames as readonly string[]).includes(spec.name)) {
    fail('FAULTLINE_CLI_OPTION', `${name('strategy')} must be one of ${orderingStrategyNames.join(', ')}; got '${spec.name}'`);
  }
  const s = spec.name as OrderingStrategyName;
  if (spec.depth !== undefined) {
    if (!needsStepsEstimate(s)) fail('FAULTLINE_CLI_OPTION', `${name('depth')} applies to pct and delay-bounded only; got ${name('strategy')} ${s}`);
    if (!(Number.isInteger(spec.depth) && spec.depth >= 1 && spec.depth <= 64)) fail('FAULTLINE_CLI_OPTION', `${name('depth')} must be a whole number from 1 to 64; got ${spec.depth}`);
  }
  if (spec.stepsEstimate !== undefined) {
    if (!needsStepsEstimate(s)) fail('FAULTLINE_CLI_OPTION', `${name('stepsEstimate')} applies to pct and delay-bounded only; got ${name('strategy')} ${s}`);
    if (!(Number.isInteger(spec.stepsEstimate) && spec.stepsEstimate >= 1)) fail('FAULTLINE_CLI_OPTION', `${name('stepsEstimate')} must be a whole number ≥ 1; got ${spec.stepsEstimate}`);
  }
  return {
    name: s,
    ...(spec.depth !== undefined ? { depth: spec.depth } : {}),
    ...(spec.stepsEstimate !== undefined ? { stepsEstimate: spec.stepsEstimate } : {}),
  };
}
