// Seed exploration: run one scenario in the deterministic runtime over a range of seeds and
// gather, per seed, a small summary (src/explore/explore-task.ts). Seeds run one after another
// in this thread, or in parallel on a Piscina pool when there are more than a few (one task =
// one whole run: coarse grain, so the pool's ~50 µs per task and ~60 ms start are noise; see
// shared/reference/stack-limits.md §3.5). The result is the same either way: a seed's run is
// deterministic wherever it runs, and summaries are returned in seed order. With stopAtFirst
// the exploration ends at the lowest failing seed (in parallel: seeds are handed out in order,
// so every lower seed has run; summaries past the first failure are left out). With a shard
// (src/explore/shard.ts) only the shard's seeds of from..to run; `faultline merge` joins the
// shards' results into the whole run's (src/api/merge.ts).

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { InvariantId } from '../check/types.ts';
import { invariantNames } from '../check/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { moduleBeside } from '../util/module-url.ts';
import { runSeedTask, type SeedSummary, type SeedTask } from './explore-task.ts';
import { inShard, type ShardSpec } from './shard.ts';

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
  const tasks: SeedTask[] = [];
  for (let seed = o.from; seed <= o.to; seed++) if (inShard(seed - o.from, o.shard)) tasks.push({ scenario, source: o.source, seed });
  const count = Math.max(1, tasks.length);
  const jobs = Math.max(1, Math.min(o.jobs ?? defaultJobs(count), count));
  const t0 = performance.now();
  // A signal needs this thread free while seeds run, so it always takes the pool.
  const { seeds, stoppedEarly } = jobs === 1 && o.signal === undefined ? await sequential(tasks, o) : await parallel(tasks, jobs, o);
  seeds.sort((a, b) => a.seed - b.seed);
  const interrupted = o.signal?.aborted === true && seeds.length < tasks.length;
  const result = summarise(scenario.name, scenario.bugs, scenario.durationMs, o, jobs, seeds, scenario.marks, stoppedEarly, interrupted, performance.now() - t0);
  return o.shard === undefined ? result : { ...result, shard: o.shard };
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

async function sequential(tasks: SeedTask[], o: ExploreOptions): Promise<{ seeds: SeedSummary[]; stoppedEarly: boolean }> {
  const seeds: SeedSummary[] = [];
  for (const t of tasks) {
    if (o.signal?.aborted) break;
    const s = await runSeedTask(t);
    seeds.push(s);
    o.onSeed?.(s);
    if (found(s) && o.stopAtFirst) return { seeds, stoppedEarly: seeds.length < tasks.length };
    // Let signals and timers through between seeds (a seed's run is synchronous).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { seeds, stoppedEarly: false };
}

async function parallel(tasks: SeedTask[], jobs: number, o: ExploreOptions): Promise<{ seeds: SeedSummary[]; stoppedEarly: boolean }> {
  const pool = new Piscina<SeedTask, SeedSummary>({ filename: workerEntry.href, minThreads: jobs, maxThreads: jobs, idleTimeout: 1000 });
  const seeds: SeedSummary[] = [];
  let next = 0;
  let failed = false;
  // Hand seeds out in order, `jobs` at a time: at the first failure no new seed is started,
  // and every seed below it has been started, so the lowest failing seed is the first.
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !(failed && o.stopAtFirst) && !o.signal?.aborted) {
      const s = await pool.run(tasks[next++]!);
      seeds.push(s);
      o.onSeed?.(s);
      if (found(s)) failed = true;
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
  if (!o.stopAtFirst || !failed) return { seeds, stoppedEarly: false };
  return upToFirstFailure(seeds, tasks.length);
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
): ExploreResult {
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
