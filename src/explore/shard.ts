// `--shard i/n`: which part of a run's work one shard does. Shards are numbered 1..n (as a CI
// matrix or `vitest --shard` number them; a Kubernetes Indexed Job's 0-based
// JOB_COMPLETION_INDEX is i − 1). The work is a list in a fixed order (explore: the seeds
// from..to; sweep: every grid point × seed, point-major) and shard i takes items i−1, i−1+n,
// i−1+2n, …: round robin, so every shard gets the same number of items give or take one and a
// share of every part of the range (a sweep's expensive points are spread over all shards).

import { fail } from '../util/errors.ts';

export interface ShardSpec {
  /** 1..count */
  index: number;
  count: number;
}

/** At most this many shards (a Kubernetes Indexed Job allows 10^5 completions; more is a mistake). */
export const shardCountMax = 100_000;

/** Parse `i/n`; a malformed or out-of-range value is refused naming the option and what would work. */
export function parseShard(text: string, option: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) fail('FAULTLINE_CLI_OPTION', `${option} ${text}: the form is i/n, shard i of n, numbered from 1 (e.g. ${option} 1/4)`);
  return checkShard({ index: Number(m[1]), count: Number(m[2]) }, option);
}

/** Check a shard given as data (the API's `shard: { index, count }`). */
export function checkShard(s: ShardSpec, option: string): ShardSpec {
  const { index, count } = s ?? ({} as Partial<ShardSpec>);
  if (!(Number.isInteger(count) && count >= 1 && count <= shardCountMax))
    fail('FAULTLINE_CLI_OPTION', `${option} ${index}/${count}: the shard count must be a whole number from 1 to ${shardCountMax}`);
  if (!(Number.isInteger(index) && index >= 1 && index <= count))
    fail('FAULTLINE_CLI_OPTION', `${option} ${index}/${count}: shards are numbered 1..${count}; got ${index} (a 0-based index such as JOB_COMPLETION_INDEX needs +1)`);
  return { index, count };
}

/** Whether the item at `position` (0-based, in the work's fixed order) belongs to the shard. */
export function inShard(position: number, s: ShardSpec | undefined): boolean {
  return s === undefined || position % s.count === s.index - 1;
}

/** How many of `total` items fall to the shard (all of them without one). */
export function shardSize(total: number, s: ShardSpec | undefined): number {
  return s === undefined ? total : total >= s.index ? Math.floor((total - s.index) / s.count) + 1 : 0;
}
