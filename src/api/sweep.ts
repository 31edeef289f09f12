// Sweeps from the API: `--set path=v1,v2,...` lists make a grid (the cross product of the
// swept values, the first list outermost; a --set with one value applies to every point);
// every point's scenario is opened and checked before the first run, then each point × seed
// is one run (src/explore/sweep.ts), and the runs become a table of means and 95 % intervals
// across seeds (src/report/sweep-table.ts), written as sweep.csv, sweep.json and report.html with `out`.
// With `shard` only the shard's runs happen; `faultline merge` makes the table from all shards.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkShard, inShard, type ShardSpec } from '../explore/shard.ts';
import { sweepRuns } from '../explore/sweep.ts';
import type { SweepRunSummary } from '../explore/sweep-task.ts';
import { sweepHtml } from '../report/outputs/sweep-html.ts';
import { sweepCsv, sweepJson, sweepPoints, type SweepParameter, type SweepResult, type SweepRun } from '../report/sweep-table.ts';
import type { Scenario } from '../scenario/schema.ts';
import { FaultlineError, fail } from '../util/errors.ts';
import { checkOutDir } from './outputs.ts';
import type { Runtime } from './run.ts';
import { apiOptionName, openScenario, type OptionName, type ScenarioChanges } from './scenario.ts';
import { version } from './version.ts';

export interface SweepScenarioOptions extends Pick<ScenarioChanges, 'durationMs' | 'bugs'> {
  /** `path=v1,v2,...`: a list of values sweeps the key; one value overrides it at every point. */
  set?: readonly string[];
  /** Seeds 1..seeds per point (default 3; 1..1000). */
  seeds?: number;
  /** Simulator: parallel workers (Piscina; default 1 for up to 4 runs, else up to 4). */
  jobs?: number;
  /** 'sim' (default: deterministic, on a pool) or 'threads' (one run after another in this process). */
  runtime?: Runtime;
  /** Write sweep.csv, sweep.json and report.html into this folder (created when missing; checked first). */
  out?: string;
  /** Run only shard index of count (1-based; round robin over the point-major list of point × seed); no `out` then: merge the shards first. */
  shard?: ShardSpec;
  /** Called as each run finishes (completion order), with how far the sweep is. */
  onRun?: (run: SweepRunSummary, progress: SweepProgress) => void;
  /** Stops handing out runs; the result holds the points whose every seed ran (interrupted: true). */
  signal?: AbortSignal;
}

export interface SweepProgress {
  runs: number;
  runsTotal: number;
  /** Points whose every seed has run. */
  points: number;
  pointsTotal: number;
}

/** At most this many runs (points × seeds) in one sweep. */
export const sweepRunsMax = 10_000;
export const sweepSeedsMax = 1000;
export const sweepFiles = ['sweep.csv', 'sweep.json', 'report.html'] as const;

/** Split a --set value list at its top-level commas (a YAML flow value such as [1, 2] stays whole). */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

export interface SweepGrid {
  parameters: SweepParameter[];
  /** --set options with one value, applied at every point. */
  fixed: string[];
  /** Per point, in grid order: the swept parameters' values (path → value). */
  points: Record<string, string>[];
  /** Where each swept parameter came from, for messages: path → the --set as written. */
  options: Record<string, string>;
}

/** The grid the --set options make: the cross product of the lists, the first one outermost. */
export function sweepGrid(set: readonly string[], name: OptionName = apiOptionName): SweepGrid {
  const parameters: SweepParameter[] = [];
  const fixed: string[] = [];
  const options: Record<string, string> = {};
  for (const text of set) {
    const eq = text.indexOf('=');
    if (eq < 0) fail('FAULTLINE_CLI_OPTION', `${name('set')} ${text}: no '='; the form is path=v1,v2,... (e.g. workload.inFlight=2,8,32)`);
    const path = text.slice(0, eq).trim();
    const values = splitValues(text.slice(eq + 1));
    if (values.some((v) => v === '')) fail('FAULTLINE_CLI_OPTION', `${name('set')} ${text}: an empty value in the list; the form is path=v1,v2,...`);
    if (new Set(values).size < values.length) fail('FAULTLINE_CLI_OPTION', `${name('set')} ${text}: a value is listed twice`);
    if (values.length === 1) fixed.push(`${path}=${values[0]}`);
    else {
      if (options[path] !== undefined) fail('FAULTLINE_CLI_OPTION', `${name('set')} ${text}: ${path} is already swept by ${name('set')} ${options[path]}; give one list per key`);
      parameters.push({ path, values });
      options[path] = text;
    }
  }
  let points: Record<string, string>[] = [{}];
  for (const p of parameters) points = points.flatMap((pt) => p.values.map((v) => ({ ...pt, [p.path]: v })));
  return { parameters, fixed, points, options };
}

/** The options checked before anything runs: seeds, jobs, the size of the sweep, the output folder. */
function checkSweepOptions(o: SweepScenarioOptions, grid: SweepGrid, name: OptionName): { seeds: number; runtime: Runtime; shard: ShardSpec | undefined } {
  const seeds = o.seeds ?? 3;
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= sweepSeedsMax)) fail('FAULTLINE_CLI_OPTION', `${name('seeds')} must be a whole number from 1 to ${sweepSeedsMax}; got ${seeds}`);
  const runtime = o.runtime ?? 'sim';
  if (runtime !== 'sim' && runtime !== 'threads') fail('FAULTLINE_CLI_OPTION', `${name('runtime')} must be 'sim' or 'threads'; got '${String(runtime)}'`);
  if (o.jobs !== undefined) {
    if (!(Number.isInteger(o.jobs) && o.jobs >= 1 && o.jobs <= 64)) fail('FAULTLINE_CLI_OPTION', `${name('jobs')} must be a whole number from 1 to 64; got ${o.jobs}`);
    if (runtime === 'threads' && o.jobs > 1)
      fail('FAULTLINE_OPTION_IGNORED', `${name('jobs')} applies to the simulator only (threaded runs go one after another: each needs the cores); drop it, or sweep with ${name('runtime')} sim`);
  }
  const runs = grid.points.length * seeds;
  if (runs > sweepRunsMax) fail('FAULTLINE_CLI_OPTION', `${grid.points.length} points × ${seeds} seeds = ${runs} runs: at most ${sweepRunsMax} in one sweep; sweep fewer values or seeds`);
  const shard = o.shard === undefined ? undefined : checkShard(o.shard, name('shard'));
  if (shard !== undefined && o.out !== undefined)
    fail(
      'FAULTLINE_CLI_OPTION',
      `${name('out')} ${o.out} with ${name('shard')} ${shard.index}/${shard.count}: a shard has only some runs of each point; write the outputs with \`faultline merge\` (mergeResults) from every shard's result`,
    );
  if (o.out !== undefined) checkOutDir(name('out'), o.out);
  return { seeds, runtime, shard };
}

/** Open every point's scenario; a bad value is refused naming the --set list and the value. */
function openPoints(input: string | Scenario, o: SweepScenarioOptions, grid: SweepGrid, name: OptionName): { scenarios: Scenario[]; source: string } {
  let source = '';
  const scenarios = grid.points.map((values) => {
    const set = [...grid.fixed, ...Object.entries(values).map(([path, v]) => `${path}=${v}`)];
    try {
      const opened = openScenario(input, { ...o, set }, name);
      source = opened.source;
      return opened.scenario;
    } catch (err) {
      if (!(err instanceof FaultlineError)) throw err;
      const message = err.message.slice(err.code.length + 2);
      for (const [path, v] of Object.entries(values)) {
        const single = `--set ${path}=${v}: `;
        if (message.startsWith(single)) fail(err.code, `${name('set')} ${grid.options[path]}: value ${v}: ${message.slice(single.length)}`, err.detail);
      }
      throw err;
    }
  });
  return { scenarios, source };
}

/**
 * Sweep a scenario over the grid its `set` lists make, `seeds` runs per point, and return the
 * table: per point the mean and 95 % interval (Student t) of every figure across seeds, and
 * every run's summary. Bad options, values or sizes throw FaultlineError before anything runs.
 */
export async function sweepScenario(input: string | Scenario, o: SweepScenarioOptions = {}, name: OptionName = apiOptionName): Promise<SweepResult> {
  return (await sweepOpened(input, o, name)).result;
}

/** What decides a sweep's runs and table (not how it is run: jobs, progress, outputs); the shards of one sweep share it. */
export interface SweepSpec {
  /** The scenario as named (a shipped name or a file path). */
  source: string;
  set: string[];
  seeds: number;
  runtime: Runtime;
  durationMs?: number;
  bugs: string[];
}

/** A sweep run, with what `faultline merge` needs besides the result: the spec and every point's resolved scenario. */
export async function sweepOpened(input: string | Scenario, o: SweepScenarioOptions = {}, name: OptionName = apiOptionName): Promise<{ result: SweepResult; spec: SweepSpec; scenarios: Scenario[] }> {
  const grid = sweepGrid(o.set ?? [], name);
  const { seeds, runtime, shard } = checkSweepOptions(o, grid, name);
  const { scenarios, source } = openPoints(input, o, grid, name);
  const spec: SweepSpec = { source, set: [...(o.set ?? [])], seeds, runtime, ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}), bugs: [...(o.bugs ?? [])] };
  // A shard's progress counts its own runs: per point, the seeds that fall to it.
  const seedsOfPoint = scenarios.map((_, point) => Array.from({ length: seeds }, (_, i) => point * seeds + i).filter((k) => inShard(k, shard)).length);
  const runsTotal = seedsOfPoint.reduce((a, b) => a + b, 0);
  const progress: SweepProgress = { runs: 0, runsTotal, points: 0, pointsTotal: seedsOfPoint.filter((n) => n > 0).length };
  const seedsDone = new Array<number>(scenarios.length).fill(0);
  const r = await sweepRuns({
    points: scenarios,
    source,
    seeds,
    runtime,
    ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    onRun: (run) => {
      progress.runs++;
      if (++seedsDone[run.point]! === seedsOfPoint[run.point]) progress.points++;
      o.onRun?.(run, { ...progress });
    },
  });
  const result = sweepResultOf(spec, r.runs, { jobs: r.jobs, interrupted: r.interrupted, wallMs: r.wallMs, ...(shard !== undefined ? { shard } : {}) });
  if (o.out !== undefined) writeSweepOutputs(result, o.out);
  return { result, spec, scenarios };
}

/** The sweep's table from its runs (grid order, then seed order): an unsharded sweep's, a shard's, or the merge of all shards' runs. */
export function sweepResultOf(spec: SweepSpec, runs: SweepRun[], how: { jobs: number; interrupted: boolean; wallMs: number; shard?: ShardSpec }): SweepResult {
  const grid = sweepGrid(spec.set);
  const { points, figureNames } = sweepPoints(grid.points, spec.seeds, runs);
  const fixed = [...grid.fixed.map((s) => `--set ${s}`), ...(spec.durationMs !== undefined ? [`durationMs=${spec.durationMs}`] : []), ...spec.bugs.map((b) => `bug ${b}`)];
  return {
    schema: 'faultline.sweep',
    schemaVersion: 1,
    faultline: version,
    scenario: spec.source,
    runtime: spec.runtime,
    seeds: spec.seeds,
    jobs: how.jobs,
    fixed,
    parameters: grid.parameters,
    figureNames,
    points,
    runs,
    interrupted: how.interrupted,
    wallMs: how.wallMs,
    ...(how.shard !== undefined ? { shard: how.shard } : {}),
  };
}

/** Write sweep.csv, sweep.json and report.html (the plots) into `dir` (created when missing); returns the paths written. */
export function writeSweepOutputs(result: SweepResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const bodies = [sweepCsv(result), sweepJson(result), sweepHtml(result)];
  return sweepFiles.map((name, i) => {
    const path = join(dir, name);
    writeFileSync(path, bodies[i]!);
    return path;
  });
}

export { sweepCsv, sweepJson };
export type { SweepParameter, SweepPoint, SweepResult, SweepRun } from '../report/sweep-table.ts';
