// Running a sweep's runs: every grid point × seed is one task (src/explore/sweep-task.ts). In
// the simulator they go on a Piscina pool, handed out in grid order (one run per task, as in
// explore.ts), or run in this thread with one job and no signal; on threads they run one after
// another in this process (the run's own workers need the cores). On abort no new run starts;
// the result holds the runs that finished (interrupted: true). With a shard only its runs of
// the point-major list of point × seed run (src/explore/shard.ts).

import { Piscina } from 'piscina';
import type { Scenario } from '../scenario/schema.ts';
import { moduleBeside } from '../util/module-url.ts';
import { defaultJobs } from './explore.ts';
import { inShard, type ShardSpec } from './shard.ts';
import { runSweepTask, type SweepRunSummary, type SweepTask } from './sweep-task.ts';

export interface SweepRunsOptions {
  /** Each grid point's resolved scenario, in grid order. */
  points: readonly Scenario[];
  source: string;
  /** Seeds 1..seeds for every point. */
  seeds: number;
  runtime: 'sim' | 'threads';
  /** Simulator: parallel workers (default: 1 for up to 4 runs, else up to 4). */
  jobs?: number;
  /** Run only this shard's runs of the point-major list of point × seed. */
  shard?: ShardSpec;
  onRun?: (s: SweepRunSummary) => void;
  signal?: AbortSignal;
}

export interface SweepRuns {
  /** In grid order, then seed order. */
  runs: SweepRunSummary[];
  jobs: number;
  interrupted: boolean;
  wallMs: number;
}

const workerEntry = moduleBeside(import.meta.url, 'sweep-task', './sweep-worker.mjs');

export async function sweepRuns(o: SweepRunsOptions): Promise<SweepRuns> {
  const tasks: SweepTask[] = o.points
    .flatMap((scenario, point) => Array.from({ length: o.seeds }, (_, i) => ({ scenario, source: o.source, point, seed: i + 1, runtime: o.runtime })))
    .filter((_, position) => inShard(position, o.shard));
  const jobs = o.runtime === 'threads' ? 1 : Math.max(1, Math.min(o.jobs ?? defaultJobs(tasks.length), Math.max(1, tasks.length)));
  const t0 = performance.now();
  const runs = o.runtime === 'sim' && (jobs > 1 || o.signal !== undefined) ? await parallel(tasks, jobs, o) : await sequential(tasks, o);
  runs.sort((a, b) => a.point - b.point || a.seed - b.seed);
  return { runs, jobs, interrupted: o.signal?.aborted === true && runs.length < tasks.length, wallMs: performance.now() - t0 };
}

async function sequential(tasks: SweepTask[], o: SweepRunsOptions): Promise<SweepRunSummary[]> {
  const runs: SweepRunSummary[] = [];
  for (const t of tasks) {
    if (o.signal?.aborted) break;
    let s: SweepRunSummary;
    try {
      s = await runSweepTask(t, t.runtime === 'threads' ? o.signal : undefined);
    } catch (err) {
      if (o.signal?.aborted) break;
      throw err;
    }
    runs.push(s);
    o.onRun?.(s);
    // Let signals and timers through between runs (a simulator run is synchronous).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return runs;
}

async function parallel(tasks: SweepTask[], jobs: number, o: SweepRunsOptions): Promise<SweepRunSummary[]> {
  const pool = new Piscina<SweepTask, SweepRunSummary>({ filename: workerEntry.href, minThreads: jobs, maxThreads: jobs, idleTimeout: 1000 });
  const runs: SweepRunSummary[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !o.signal?.aborted) {
      const s = await pool.run(tasks[next++]!);
      runs.push(s);
      o.onRun?.(s);
    }
  };
  // On abort the runs under way are cut off with the pool; nothing waits for them.
  const aborted = new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve(), { once: true }));
  try {
    const lanes = Promise.all(Array.from({ length: jobs }, lane));
    lanes.catch(() => undefined);
    await Promise.race([lanes, aborted]);
  } finally {
    await pool.destroy();
  }
  return runs;
}
