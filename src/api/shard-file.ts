// A shard's result file: what `faultline explore|sweep … --shard i/n --json FILE` writes and
// `faultline merge` reads. Versioned JSON (`schema: "faultline.shard"`, `schemaVersion`, `kind`
// explore | sweep) holding everything the merge needs: the shard's index and count, the run
// the shards share (the scenario as named, every resolved scenario that ran, the options that
// decide the runs) and the shard's own result with its raw per-seed / per-run summaries (for
// sweeps every run's figures, so the merge recomputes each point's mean and interval exactly).

import { readFileSync } from 'node:fs';
import type { ExploreResult } from '../explore/explore.ts';
import { checkShard, type ShardSpec } from '../explore/shard.ts';
import type { SweepResult } from '../report/sweep-table.ts';
import type { Scenario } from '../scenario/schema.ts';
import { fail } from '../util/errors.ts';
import { exploreOpenedScenario, seedRange, type ExploreScenarioOptions } from './explore.ts';
import { apiOptionName, openScenario } from './scenario.ts';
import { sweepOpened, type SweepScenarioOptions, type SweepSpec } from './sweep.ts';
import { version } from './version.ts';

export const shardFileSchema = 'faultline.shard';
export const shardFileSchemaVersion = 1;

interface ShardFileHead {
  schema: typeof shardFileSchema;
  schemaVersion: typeof shardFileSchemaVersion;
  /** The faultline version that ran the shard: the shards of one run come from one version. */
  faultline: string;
  shard: ShardSpec;
}

/** What decides an exploration's seeds and their outcomes; jobs, progress and outputs do not. */
export interface ExploreRunOptions {
  from: number;
  to: number;
  stopAtFirst: boolean;
  durationMs?: number;
  bugs: string[];
  set: string[];
  /** The search: how each seed schedules (explore-strategy.ts), with its parameters and the self-check. */
  strategy?: string;
  depth?: number;
  stepsEstimate?: number;
  checkDeterminism?: boolean | number;
}

export interface ExploreShardFile extends ShardFileHead {
  kind: 'explore';
  /** What every shard of the run shares (the merge checks it is the same in every file). */
  run: { source: string; scenario: Scenario; options: ExploreRunOptions };
  result: ExploreResult;
}

export interface SweepShardFile extends ShardFileHead {
  kind: 'sweep';
  /** What every shard of the run shares: the spec and every grid point's resolved scenario. */
  run: { source: string; scenarios: Scenario[]; options: Omit<SweepSpec, 'source'> };
  result: SweepResult;
}

export type ShardFile = ExploreShardFile | SweepShardFile;

const head = (shard: ShardSpec): ShardFileHead => ({ schema: shardFileSchema, schemaVersion: shardFileSchemaVersion, faultline: version, shard });

/** Run one shard of an exploration (`shard` required) and return its result file. */
export async function exploreShard(input: string | Scenario, o: ExploreScenarioOptions & { shard: ShardSpec }): Promise<ExploreShardFile> {
  const range = seedRange(o);
  const shard = checkShard(o.shard, apiOptionName('shard'));
  const opened = openScenario(input, o);
  const result = await exploreOpenedScenario(opened, range, { ...o, shard });
  return exploreShardFile(opened.source, opened.scenario, range, o, result);
}

/** The result file of an exploration shard already run (the command line's path). */
export function exploreShardFile(source: string, scenario: Scenario, range: { from: number; to: number }, o: ExploreScenarioOptions, result: ExploreResult): ExploreShardFile {
  if (result.shard === undefined) fail('FAULTLINE_CLI_OPTION', 'exploreShardFile: the result is not a shard (give shard: { index, count })');
  const options: ExploreRunOptions = {
    ...range,
    stopAtFirst: o.stopAtFirst === true,
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    bugs: [...(o.bugs ?? [])],
    set: [...(o.set ?? [])],
    ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
    ...(o.depth !== undefined ? { depth: o.depth } : {}),
    ...(o.stepsEstimate !== undefined ? { stepsEstimate: o.stepsEstimate } : {}),
    ...(o.checkDeterminism !== undefined ? { checkDeterminism: o.checkDeterminism } : {}),
  };
  return { ...head(result.shard), kind: 'explore', run: { source, scenario, options }, result };
}

/** Run one shard of a sweep (`shard` required) and return its result file. */
export async function sweepShard(input: string | Scenario, o: SweepScenarioOptions & { shard: ShardSpec }, name = apiOptionName): Promise<SweepShardFile> {
  const { result, spec, scenarios } = await sweepOpened(input, o, name);
  const { source, ...options } = spec;
  return { ...head(result.shard!), kind: 'sweep', run: { source, scenarios, options }, result };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check that a parsed value is a shard file this faultline reads; `name` says where it came
 * from (a path, or results[k]) in the refusal. JSON has no NaN: a sweep run's figure written as
 * null (a round trip with no sample) is read back as NaN, as the run had it.
 */
export function asShardFile(value: unknown, name: string): ShardFile {
  const how = 'write one with `faultline explore|sweep … --shard i/n --json FILE`';
  if (!isRecord(value)) fail('FAULTLINE_MERGE_INPUT', `${name}: not a shard result file (not a JSON object); ${how}`);
  if (value.schema !== shardFileSchema)
    fail('FAULTLINE_MERGE_INPUT', `${name}: not a shard result file (schema ${JSON.stringify(value.schema ?? null)}, expected "${shardFileSchema}": an unsharded run's JSON cannot be merged); ${how}`);
  if (value.schemaVersion !== shardFileSchemaVersion)
    fail('FAULTLINE_MERGE_INPUT', `${name}: shard file schemaVersion ${JSON.stringify(value.schemaVersion)}; this faultline (${version}) reads version ${shardFileSchemaVersion}`);
  if (value.kind !== 'explore' && value.kind !== 'sweep') fail('FAULTLINE_MERGE_INPUT', `${name}: kind ${JSON.stringify(value.kind)}; expected "explore" or "sweep"`);
  const shard = value.shard as ShardSpec | undefined;
  if (!isRecord(shard)) fail('FAULTLINE_MERGE_INPUT', `${name}: no shard index and count`);
  checkShard(shard, `${name}: shard`);
  const result = value.result;
  const run = value.run;
  if (!isRecord(result) || !isRecord(run) || !isRecord(run.options) || typeof run.source !== 'string')
    fail('FAULTLINE_MERGE_INPUT', `${name}: the file is incomplete (no run or result); write it again with --shard`);
  const list = value.kind === 'explore' ? result.seeds : result.runs;
  if (!Array.isArray(list)) fail('FAULTLINE_MERGE_INPUT', `${name}: the file is incomplete (result.${value.kind === 'explore' ? 'seeds' : 'runs'} is missing)`);
  if (value.kind === 'sweep') {
    for (const r of list as { figures?: Record<string, number | null> }[]) {
      for (const [k, v] of Object.entries(r.figures ?? {})) if (v === null) r.figures![k] = Number.NaN;
    }
  }
  return value as unknown as ShardFile;
}

/** Read and check a shard file; a missing, unreadable or malformed file is refused naming it. */
export function readShardFile(path: string): ShardFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return fail('FAULTLINE_MERGE_INPUT', `${path}: cannot read it (${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a folder' : e.message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('FAULTLINE_MERGE_INPUT', `${path}: not JSON (${(err as Error).message}); a shard result file is what --shard i/n --json FILE writes`);
  }
  return asShardFile(value, path);
}
