// Seed exploration: run one scenario in the deterministic runtime over a range of seeds and
// gather, per seed, a small summary (src/explore/explore-task.ts). Seeds run one after another
// in this thread, or in parallel on a Piscina pool when there are more than a few (one task =
// one whole run: coarse grain, so the pool's ~50 µs per task and ~60 ms start are noise; see
// shared/reference/stack-limits.md §3.5). The result is the same either way: a seed's run is
// deterministic wherever it runs, and summaries are returned in seed order. With stopAtFirst
// the exploration ends at the lowest failing seed (in parallel: seeds are handed out in order,
// so every lower seed has run; summaries past the first failure are left out). How each seed
// searches (random, pct, pos, delay-bounded, swarm, portfolio) is planned per seed index
// (explore-strategy.ts); a time budget stops handing out seeds; the determinism self-check runs
// every Nth seed twice, and a seed whose runs differ stops the exploration as an error. With a
// shard (src/explore/shard.ts) only the shard's seeds of from..to run, each planned by its
// index in the whole range; `faultline merge` joins the shards' results into the whole run's
// (src/api/merge.ts).

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { InvariantId } from '../check/types.ts';
import { invariantNames } from '../check/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { moduleBeside } from '../util/module-url.ts';
import { runSeedTask, type SeedSummary, type SeedTask } from './explore-task.ts';
import { shardSize, type ShardSpec } from './shard.ts';
import { planSeed, wantsStepsEstimate, type ExploreStrategy } from './explore-strategy.ts';

export interface ExploreOptions {
  /** The resolved scenario (overrides and bug toggles applied). */
  scenario: Scenario;
  /** How the user named it (a shipped name or a file path), for replay lines. */
  source: string;
  from: number;
  to: number;
  /** Parallel workers; default: 1 for up to `parallelAbove` seeds, else min(cores, 4). */
  jobs?: number;
  stopAtFirst?: boolean;
  /** Run only this shard's seeds of from..to (seed from+k when k mod count = index − 1). */
  shard?: ShardSpec;
  /** How seeds are scheduled (explore-strategy.ts); default random here (the API and the CLI pass their default, the portfolio). */
  strategy?: ExploreStrategy;
  /** The determinism self-check: every Nth seed (the first of the range included) runs twice and must give the same trace hash. */
  checkDeterminismEvery?: number;
  /** Stop handing out seeds after this long (wall clock); the seeds run so far are the result. */
  timeMs?: number;
  /** Called with each summary as it arrives (in completion order). */
  onSeed?: (s: SeedSummary) => void;
  /** Stops the exploration when aborted (seeds under way are cut off); the result holds the seeds that ran (interrupted: true). */
  signal?: AbortSignal;
}

export interface ExploreResult {
  scenario: string;
  bugs: string[];
  durationMs: number;
  from: number;
  to: number;
  jobs: number;
  /** The exploration strategy (a portfolio's seeds each name their member). */
  strategy: string;
  /** pct / delay-bounded: the step count their choices were spread over. */
  stepsEstimate?: number;
  /** The time budget ran out before the seed range did (`to` is then the last seed handed out). */
  timedOut: boolean;
  seeds: SeedSummary[];
  /** Per invariant: seeds that violated it. */
  perInvariant: { id: InvariantId; name: string; failingSeeds: number }[];
  /** Per mark: seeds that reached it and total hits. */
  marks: { name: string; seeds: number; hits: number; required: boolean }[];
  /** Required marks (the scenario's `marks:`) no seed reached. */
  missingMarks: string[];
  /** The lowest seed that found a violation or a failed check (never one that errored). */
  firstFailure: SeedSummary | null;
  /** Seeds that found a violation or a failed check. */
  failing: number;
  /** Seeds whose run could not finish (an actor threw): error outcomes, not findings. */
  errors: number;
  firstError: SeedSummary | null;
  stoppedEarly: boolean;
  /** The exploration was stopped from outside (signal) before every seed ran. */
  interrupted: boolean;
  wallMs: number;
  /** Set when this is one shard's part of the run: its seeds only, for `faultline merge`. */
  shard?: ShardSpec;
}

/** Up to this many seeds run in this thread unless jobs says otherwise. */
export const parallelAbove = 4;

// Built (dist/*.js), Piscina loads the task module itself; from sources a plain .mjs shim
// registers tsx first (a worker cannot start from a .ts file).
const workerEntry = moduleBeside(import.meta.url, 'explore-task', './explore-worker.mjs');

export function defaultJobs(seeds: number): number {
  return seeds <= parallelAbove ? 1 : Math.max(1, Math.min(availableParallelism(), 4, seeds));
}

export async function explore(o: ExploreOptions): Promise<ExploreResult> {
  const { scenario } = o;
  // A shard runs every count-th seed from its own first; a seed keeps its index in the whole
  // range (its strategy plan and self-check), so the shards together are the unsharded run.
  const sh = o.shard;
  const count = sh === undefined ? o.to - o.from + 1 : shardSize(o.to - o.from + 1, sh);
  const indexOf = (i: number): number => (sh === undefined ? i : sh.index - 1 + i * sh.count);
  const jobs = Math.max(1, Math.min(o.jobs ?? defaultJobs(count), count));
  const t0 = performance.now();
  let strategy: ExploreStrategy = o.strategy ?? { name: 'random' };
  const every = o.checkDeterminismEvery ?? 0;
  // pct and delay-bounded spread their choices over a run's length: a first random run of the
  // first seed measures it (a scenario's runs differ little in length). When that seed is to run
  // as exactly that (a portfolio's first seed, not self-checked, in this part of the range), the
  // measuring run is its result: it is neither run twice nor lost to a time budget.
  let ran: SeedSummary | undefined;
  if (wantsStepsEstimate(strategy)) {
    const first = await runSeedTask({ scenario, source: o.source, seed: o.from, label: 'random' });
    strategy = { ...strategy, stepsEstimate: Math.max(1, first.steps) };
    const plan = planSeed(strategy, 0);
    if (indexOf(0) === 0 && every === 0 && plan.label === 'random' && !plan.swarm) ran = first;
  }
  const tasks: Tasks = {
    count,
    at(i) {
      const k = indexOf(i);
      const plan = planSeed(strategy, k);
      return {
        scenario,
        source: o.source,
        seed: o.from + k,
        ...(plan.ordering.name !== 'random' ? { strategy: plan.ordering } : {}),
        ...(plan.swarm ? { swarm: true } : {}),
        ...(every > 0 && k % every === 0 ? { checkDeterminism: true } : {}),
        label: plan.label,
      };
    },
    timeUp: () => o.timeMs !== undefined && performance.now() - t0 >= o.timeMs,
    ...(ran !== undefined ? { ran } : {}),
  };
  // A signal needs this thread free while seeds run, so it always takes the pool.
  const { seeds, stoppedEarly } = jobs === 1 && o.signal === undefined ? await sequential(tasks, o) : await parallel(tasks, jobs, o);
  seeds.sort((a, b) => a.seed - b.seed);
  const interrupted = o.signal?.aborted === true && seeds.length < count;
  const timedOut = !interrupted && !stoppedEarly && seeds.length < count;
  const ranTo = timedOut ? Math.max(o.from, ...seeds.map((s) => s.seed)) : o.to;
  const r = summarise(scenario.name, scenario.bugs, scenario.durationMs, { ...o, to: ranTo }, jobs, seeds, scenario.marks, stoppedEarly, interrupted, performance.now() - t0);
  const result = { ...r, strategy: strategy.name, ...(strategy.stepsEstimate !== undefined ? { stepsEstimate: strategy.stepsEstimate } : {}), timedOut };
  return sh === undefined ? result : { ...result, shard: sh };
}

/** The seeds to run, made one at a time (a time-bounded exploration may have a million). */
interface Tasks {
  count: number;
  at(index: number): SeedTask;
  /** The time budget is spent: hand out no more seeds. */
  timeUp(): boolean;
  /** The first seed's summary when it has run already (the steps-estimate run). */
  ran?: SeedSummary;
}

/** A finding: the run ended and found a violation or a failed check; an actor error is not one. */
const found = (s: SeedSummary): boolean => !s.ok && s.error === undefined;

/** Stop at the first failure: the seeds up to the lowest failing one (of `total` asked for), and whether that left any out. */
export function upToFirstFailure(seeds: readonly SeedSummary[], total: number): { seeds: SeedSummary[]; stoppedEarly: boolean } {
  const failing = seeds.filter(found);
  if (failing.length === 0) return { seeds: [...seeds], stoppedEarly: false };
  const first = Math.min(...failing.map((s) => s.seed));
  const kept = seeds.filter((s) => s.seed <= first);
  return { seeds: kept, stoppedEarly: kept.length < total };
}

/** After this seed no new one starts: the first finding with stopAtFirst, or a failed determinism self-check. */
const stopsAfter = (s: SeedSummary, o: ExploreOptions): boolean => (found(s) && o.stopAtFirst === true) || s.nondeterministic !== undefined;

async function sequential(tasks: Tasks, o: ExploreOptions): Promise<{ seeds: SeedSummary[]; stoppedEarly: boolean }> {
  const seeds: SeedSummary[] = [];
  for (let i = 0; i < tasks.count; i++) {
    if (o.signal?.aborted || (tasks.timeUp() && !(i === 0 && tasks.ran !== undefined))) break;
    const s = i === 0 && tasks.ran !== undefined ? tasks.ran : await runSeedTask(tasks.at(i));
    seeds.push(s);
    o.onSeed?.(s);
    if (stopsAfter(s, o)) return { seeds, stoppedEarly: seeds.length < tasks.count };
    // Let signals and timers through between seeds (a seed's run is synchronous).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { seeds, stoppedEarly: false };
}

async function parallel(tasks: Tasks, jobs: number, o: ExploreOptions): Promise<{ seeds: SeedSummary[]; stoppedEarly: boolean }> {
  const pool = new Piscina<SeedTask, SeedSummary>({ filename: workerEntry.href, minThreads: jobs, maxThreads: jobs, idleTimeout: 1000 });
  const seeds: SeedSummary[] = [];
  let next = 0;
  let failed = false;
  let stop = false;
  if (tasks.ran !== undefined) {
    const s = tasks.ran;
    next = 1;
    seeds.push(s);
    o.onSeed?.(s);
    if (found(s)) failed = true;
    if (stopsAfter(s, o)) stop = true;
  }
  // Hand seeds out in order, `jobs` at a time: at the first failure no new seed is started,
  // and every seed below it has been started, so the lowest failing seed is the first.
  const lane = async (): Promise<void> => {
    while (next < tasks.count && !stop && !o.signal?.aborted && !tasks.timeUp()) {
      const s = await pool.run(tasks.at(next++));
      seeds.push(s);
      o.onSeed?.(s);
      if (found(s)) failed = true;
      if (stopsAfter(s, o)) stop = true;
    }
  };
  // On abort the seeds under way are cut off: the pool is destroyed, and their runs reject.
  const aborted = new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve(), { once: true }));
  try {
    const lanes = Promise.all(Array.from({ length: jobs }, lane));
    lanes.catch(() => undefined); // after an abort the cut-off runs reject: nothing waits for them
    await Promise.race([lanes, aborted]);
  } finally {
    await pool.destroy();
  }
  const odd = seeds.filter((s) => s.nondeterministic !== undefined).map((s) => s.seed);
  if (odd.length > 0) return { seeds, stoppedEarly: seeds.length < tasks.count };
  if (!o.stopAtFirst || !failed) return { seeds, stoppedEarly: false };
  return upToFirstFailure(seeds, tasks.count);
}

/** The result from the seeds' summaries (in seed order); `faultline merge` makes the whole run's from its shards' seeds with it. */
export function summarise(
  name: string,
  bugs: string[],
  durationMs: number,
  o: Pick<ExploreOptions, 'from' | 'to'>,
  jobs: number,
  seeds: SeedSummary[],
  required: readonly string[],
  stoppedEarly: boolean,
  interrupted: boolean,
  wallMs: number,
): Omit<ExploreResult, 'strategy' | 'stepsEstimate' | 'timedOut'> {
  const perInvariant = (Object.keys(invariantNames) as InvariantId[]).map((id) => ({
    id,
    name: invariantNames[id],
    failingSeeds: seeds.filter((s) => (s.failedInvariants[id] ?? 0) > 0).length,
  }));
  const markMap = new Map<string, { seeds: number; hits: number }>();
  for (const m of required) markMap.set(m, { seeds: 0, hits: 0 });
  for (const s of seeds) {
    for (const [m, n] of Object.entries(s.marks)) {
      const e = markMap.get(m) ?? { seeds: 0, hits: 0 };
      if (n > 0) e.seeds++;
      e.hits += n;
      markMap.set(m, e);
    }
  }
  const marks = [...markMap].map(([m, e]) => ({ name: m, ...e, required: required.includes(m) })).sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));
  const failingSeeds = seeds.filter(found);
  const erroredSeeds = seeds.filter((s) => s.error !== undefined);
  return {
    scenario: name,
    bugs,
    durationMs,
    from: o.from,
    to: o.to,
    jobs,
    seeds,
    perInvariant,
    marks,
    missingMarks: marks.filter((m) => m.required && m.seeds === 0).map((m) => m.name),
    firstFailure: failingSeeds[0] ?? null,
    failing: failingSeeds.length,
    errors: erroredSeeds.length,
    firstError: erroredSeeds[0] ?? null,
    stoppedEarly,
    interrupted,
    wallMs,
  };
}
