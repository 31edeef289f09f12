// `faultline merge` / mergeResults: the shards of one exploration or sweep (their result files,
// src/api/shard-file.ts) joined into the result the unsharded run gives. The files are checked
// first: one kind, one faultline version, one run (scenario, resolved scenarios, options), one
// shard count, every shard present exactly once and none interrupted; a refusal names the file.
// Then the per-seed (explore) or per-run (sweep) summaries are put back in order and the whole
// run's result is made by the same functions the unsharded run uses (summarise, sweepResultOf),
// so the text, the JSON and the --out files are the unsharded run's; only wall-clock figures
// differ (wallMs: the shards' added up; jobs: the most any shard used).

import { summarise, upToFirstFailure, type ExploreResult } from '../explore/explore.ts';
import { inShard } from '../explore/shard.ts';
import type { SweepResult } from '../report/sweep-table.ts';
import { fail } from '../util/errors.ts';
import { asShardFile, readShardFile, type ExploreShardFile, type ShardFile, type SweepShardFile } from './shard-file.ts';
import { sweepResultOf } from './sweep.ts';

export type MergedResult = { kind: 'explore'; result: ExploreResult } | { kind: 'sweep'; result: SweepResult };

/** A stable text of a value (keys sorted), to compare what the shards say they ran. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'object' && x !== null && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, (x as Record<string, unknown>)[k]]),
        )
      : x,
  );
}

/** The first part of the shared run two shards disagree on, named for the message; undefined when they agree. */
function runDifference(a: ShardFile, b: ShardFile): string | undefined {
  if (a.run.source !== b.run.source) return `the scenario (${a.run.source} / ${b.run.source})`;
  const scenariosA = a.kind === 'explore' ? [a.run.scenario] : a.run.scenarios;
  const scenariosB = b.kind === 'explore' ? [b.run.scenario] : b.run.scenarios;
  const keys = [...new Set([...Object.keys(a.run.options), ...Object.keys(b.run.options)])].sort();
  for (const k of keys) {
    const x = (a.run.options as unknown as Record<string, unknown>)[k];
    const y = (b.run.options as unknown as Record<string, unknown>)[k];
    if (canonical(x) !== canonical(y)) return `option ${k} (${canonical(x) ?? 'not given'} / ${canonical(y) ?? 'not given'})`;
  }
  if (canonical(scenariosA) !== canonical(scenariosB)) return 'the resolved scenario (the scenario file or the code changed between the shards)';
  return undefined;
}

/** Check the shards form one whole run; returns them in shard order. */
function checkShards(files: readonly ShardFile[], names: readonly string[]): ShardFile[] {
  if (files.length === 0) fail('FAULTLINE_MERGE_INPUT', 'merge needs the result files of every shard of one run (faultline explore|sweep … --shard i/n --json FILE)');
  const first = files[0]!;
  const firstName = names[0]!;
  const byIndex = new Map<number, number>();
  files.forEach((f, k) => {
    const name = names[k]!;
    if (f.kind !== first.kind)
      fail(
        'FAULTLINE_MERGE_MISMATCH',
        `${name} is a shard of ${f.kind === 'explore' ? 'an' : 'a'} ${f.kind}, ${firstName} of ${first.kind === 'explore' ? 'an' : 'a'} ${first.kind}: merge the shards of one run`,
      );
    if (f.faultline !== first.faultline) fail('FAULTLINE_MERGE_MISMATCH', `${name} was written by faultline ${f.faultline}, ${firstName} by ${first.faultline}: run every shard with one version`);
    if (f.shard.count !== first.shard.count)
      fail('FAULTLINE_MERGE_MISMATCH', `${name} is shard ${f.shard.index}/${f.shard.count}, ${firstName} shard ${first.shard.index}/${first.shard.count}: every shard of one run has the same count`);
    const diff = runDifference(first, f);
    if (diff !== undefined) fail('FAULTLINE_MERGE_MISMATCH', `${name} and ${firstName} are shards of different runs: they differ in ${diff}`);
    const seen = byIndex.get(f.shard.index);
    if (seen !== undefined) fail('FAULTLINE_MERGE_MISMATCH', `${names[seen]} and ${name} are both shard ${f.shard.index}/${f.shard.count}: give each shard once`);
    byIndex.set(f.shard.index, k);
    if (f.result.interrupted) fail('FAULTLINE_MERGE_MISMATCH', `${name}: shard ${f.shard.index}/${f.shard.count} was interrupted before all its runs finished; run it again`);
    checkShardContent(f, name);
  });
  const count = first.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    fail('FAULTLINE_MERGE_MISMATCH', `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: merge needs all ${count} shards' files (got ${files.length})`);
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, k]) => files[k]!);
}

/**
 * A shard holds exactly its share of the work, in order: every seed or run dealt to it, or
 * with --stop-at-first its seeds up to its first failure. Anything else (an edited or
 * truncated file) would make a merged result no unsharded run gives.
 */
function checkShardContent(f: ShardFile, name: string): void {
  const label = `shard ${f.shard.index}/${f.shard.count}`;
  if (f.kind === 'explore') {
    const { from, to, stopAtFirst } = f.run.options;
    const share: number[] = [];
    for (let seed = from; seed <= to; seed++) if (inShard(seed - from, f.shard)) share.push(seed);
    const got = f.result.seeds.map((x) => x.seed);
    const prefix = got.every((seed, k) => seed === share[k]);
    const whole = got.length === share.length;
    const stopped = stopAtFirst && got.length > 0 && !f.result.seeds.at(-1)!.ok && f.result.seeds.at(-1)!.error === undefined;
    if (!prefix || !(whole || stopped))
      fail(
        'FAULTLINE_MERGE_MISMATCH',
        `${name}: ${label} holds seeds ${got.join(', ') || 'none'}; its share of ${from}..${to} is ${share.length} seed(s) from ${share[0] ?? '-'} in steps of ${f.shard.count}`,
      );
    return;
  }
  const { seeds } = f.run.options;
  const share: string[] = [];
  for (let k = 0; k < f.run.scenarios.length * seeds; k++) if (inShard(k, f.shard)) share.push(`${Math.floor(k / seeds)}:${(k % seeds) + 1}`);
  const got = f.result.runs.map((x) => `${x.point}:${x.seed}`);
  if (got.join(' ') !== share.join(' '))
    fail('FAULTLINE_MERGE_MISMATCH', `${name}: ${label} holds ${got.length} run(s) that are not its share (${share.length} run(s), point:seed ${share.slice(0, 3).join(', ')}…)`);
}

function mergeExplore(shards: readonly ExploreShardFile[]): ExploreResult {
  const { scenario, options } = shards[0]!.run;
  const all = shards.flatMap((s) => s.result.seeds).sort((a, b) => a.seed - b.seed);
  const total = options.to - options.from + 1;
  // Each shard stopped at its own first failure, so it ran every one of its seeds below the lowest failing seed of all.
  const { seeds, stoppedEarly } = options.stopAtFirst ? upToFirstFailure(all, total) : { seeds: all, stoppedEarly: false };
  const jobs = Math.max(...shards.map((s) => s.result.jobs));
  const wallMs = shards.reduce((a, s) => a + s.result.wallMs, 0);
  const r = summarise(scenario.name, scenario.bugs, scenario.durationMs, options, jobs, seeds, scenario.marks, stoppedEarly, false, wallMs);
  // Every shard ran the same strategy with the same step estimate (measured on the range's first seed).
  const { strategy, stepsEstimate } = shards[0]!.result;
  return { ...r, strategy, ...(stepsEstimate !== undefined ? { stepsEstimate } : {}), timedOut: false };
}

function mergeSweep(shards: readonly SweepShardFile[]): SweepResult {
  const { source, options } = shards[0]!.run;
  const runs = shards.flatMap((s) => s.result.runs).sort((a, b) => a.point - b.point || a.seed - b.seed);
  const jobs = Math.max(...shards.map((s) => s.result.jobs));
  const wallMs = shards.reduce((a, s) => a + s.result.wallMs, 0);
  return sweepResultOf({ source, ...options }, runs, { jobs, interrupted: false, wallMs });
}

/**
 * Merge the result files of every shard of one exploration or sweep (paths, or the objects
 * exploreShard / sweepShard return) into the result the unsharded run gives. Files that are
 * not shards of one whole run throw FaultlineError naming the file (FAULTLINE_MERGE_INPUT:
 * unreadable or not a shard file; FAULTLINE_MERGE_MISMATCH: another run, a shard missing or
 * twice, an interrupted shard).
 */
export function mergeResults(inputs: readonly (string | ShardFile)[]): MergedResult {
  const names = inputs.map((x, k) => (typeof x === 'string' ? x : `results[${k}]`));
  const files = inputs.map((x, k) => (typeof x === 'string' ? readShardFile(x) : asShardFile(structuredClone(x), names[k]!)));
  const shards = checkShards(files, names);
  return shards[0]!.kind === 'explore' ? { kind: 'explore', result: mergeExplore(shards as ExploreShardFile[]) } : { kind: 'sweep', result: mergeSweep(shards as SweepShardFile[]) };
}
