// Seed exploration: run one scenario in the deterministic runtime over a range of seeds and
// gather, per seed, a small summary (src/explore/explore-task.ts). Seeds run one after another
// in this thread, or in parallel on a Piscina pool when there are more than a few (one task =
// one whole run: coarse grain, so the pool's ~50 µs per task and ~60 ms start are noise; see
// shared/reference/stack-limits.md §3.5). The result is the same either way: a seed's run is
// deterministic wherever it runs, and summaries are returned in seed order. With stopAtFirst
// the exploration ends at the lowest failing seed (in parallel: seeds are handed out in order,
// so every lower seed has run; summaries past the first failure are left out).

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { InvariantId } from '../check/types.ts';
import { invariantNames } from '../check/types.ts';
import { runSeedTask, scenarioOf, type SeedSummary, type SeedTask } from './explore-task.ts';

export interface ExploreOptions {
  ref: string;
  from: number;
  to: number;
  bugs?: string[];
  durationMs?: number;
  /** Parallel workers; default: 1 for up to `parallelAbove` seeds, else min(cores, 4). */
  jobs?: number;
  stopAtFirst?: boolean;
  /** Called with each summary as it arrives (in completion order). */
  onSeed?: (s: SeedSummary) => void;
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
  firstFailure: SeedSummary | null;
  failing: number;
  stoppedEarly: boolean;
  wallMs: number;
}

/** Up to this many seeds run in this thread unless jobs says otherwise. */
export const parallelAbove = 4;

const workerEntry = new URL('./explore-worker.mjs', import.meta.url);

export function defaultJobs(seeds: number): number {
  return seeds <= parallelAbove ? 1 : Math.max(1, Math.min(availableParallelism(), 4, seeds));
}

export async function explore(o: ExploreOptions): Promise<ExploreResult> {
  const bugs = o.bugs ?? [];
  const scenario = scenarioOf({ ref: o.ref, bugs, ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}) });
  const count = o.to - o.from + 1;
  const jobs = Math.max(1, Math.min(o.jobs ?? defaultJobs(count), count));
  const tasks: SeedTask[] = [];
  for (let seed = o.from; seed <= o.to; seed++) tasks.push({ ref: o.ref, seed, bugs, durationMs: scenario.durationMs });
  const t0 = performance.now();
  const { seeds, stoppedEarly } = jobs === 1 ? await sequential(tasks, o) : await parallel(tasks, jobs, o);
  seeds.sort((a, b) => a.seed - b.seed);
  return summarise(scenario.name, bugs, scenario.durationMs, o, jobs, seeds, scenario.marks, stoppedEarly, performance.now() - t0);
}

async function sequential(tasks: SeedTask[], o: ExploreOptions): Promise<{ seeds: SeedSummary[]; stoppedEarly: boolean }> {
  const seeds: SeedSummary[] = [];
  for (const t of tasks) {
    const s = await runSeedTask(t);
    seeds.push(s);
    o.onSeed?.(s);
    if (!s.ok && o.stopAtFirst) return { seeds, stoppedEarly: seeds.length < tasks.length };
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
    while (next < tasks.length && !(failed && o.stopAtFirst)) {
      const s = await pool.run(tasks[next++]!);
      seeds.push(s);
      o.onSeed?.(s);
      if (!s.ok) failed = true;
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, lane));
  } finally {
    await pool.destroy();
  }
  if (!o.stopAtFirst || !failed) return { seeds, stoppedEarly: false };
  const first = Math.min(...seeds.filter((s) => !s.ok).map((s) => s.seed));
  const kept = seeds.filter((s) => s.seed <= first);
  return { seeds: kept, stoppedEarly: kept.length < tasks.length };
}

function summarise(
  name: string, bugs: string[], durationMs: number, o: ExploreOptions, jobs: number, seeds: SeedSummary[],
  required: readonly string[], stoppedEarly: boolean, wallMs: number,
): ExploreResult {
  const perInvariant = (Object.keys(invariantNames) as InvariantId[]).map((id) => ({
    id, name: invariantNames[id], failingSeeds: seeds.filter((s) => (s.failedInvariants[id] ?? 0) > 0).length,
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
  const marks = [...markMap].map(([m, e]) => ({ name: m, ...e, required: required.includes(m) }))
    .sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));
  const failingSeeds = seeds.filter((s) => !s.ok);
  return {
    scenario: name, bugs, durationMs, from: o.from, to: o.to, jobs, seeds, perInvariant, marks,
    missingMarks: marks.filter((m) => m.required && m.seeds === 0).map((m) => m.name),
    firstFailure: failingSeeds[0] ?? null, failing: failingSeeds.length, stoppedEarly, wallMs,
  };
}

export function formatExplore(r: ExploreResult): string {
  const out: string[] = [];
  const n = r.seeds.length;
  out.push(`explore ${r.scenario}: seeds ${r.from}..${r.to}${r.stoppedEarly ? ` (stopped at the first failure after ${n})` : ''}, `
    + `${r.durationMs} ms each, ${r.jobs === 1 ? 'sequential' : `${r.jobs} workers`}${r.bugs.length ? `, bugs: ${r.bugs.join(', ')}` : ''}`
    + `, ${(r.wallMs / 1000).toFixed(1)} s`);
  out.push('', 'invariants (seeds violating / seeds run)');
  for (const inv of r.perInvariant) {
    const verdict = inv.failingSeeds === 0 ? 'ok  ' : 'FAIL';
    out.push(`  ${verdict} ${inv.id} ${inv.name}: ${inv.failingSeeds} / ${n}`);
  }
  const checks = new Map<string, number>();
  for (const s of r.seeds) for (const c of s.failedChecks) checks.set(c.split(':')[0]!, (checks.get(c.split(':')[0]!) ?? 0) + 1);
  const errors = r.seeds.filter((s) => s.error).length;
  if (checks.size > 0 || errors > 0) {
    out.push('', 'end-of-run checks failed (seeds)');
    for (const [c, k] of checks) out.push(`  FAIL ${c}: ${k} / ${n}`);
    if (errors > 0) out.push(`  FAIL an actor threw: ${errors} / ${n}`);
  }
  out.push('', 'coverage marks (seeds reaching / seeds run, hits)');
  if (r.marks.length === 0) out.push('  none');
  for (const m of r.marks) {
    const tag = m.required ? (m.seeds === 0 ? 'MISSING' : 'required') : '        ';
    out.push(`  ${tag.padEnd(8)} ${m.name.padEnd(36)} ${String(m.seeds).padStart(4)} / ${n}  ${m.hits}`);
  }
  out.push('');
  const f = r.firstFailure;
  if (f === null) {
    out.push('no failing seed');
  } else {
    out.push(`first failing seed: ${f.seed}`);
    if (f.error) out.push(`  an actor threw: ${f.error}`);
    for (const v of f.violations.slice(0, 3)) out.push(`  ${v.invariant} ${v.first}${v.ghosts.length ? ` (ghosts ${v.ghosts.join(', ')})` : ''}`);
    if (f.violations.length > 3) out.push(`  ... ${f.violations.length - 3} more violation(s)`);
    for (const c of f.failedChecks.slice(0, 3)) out.push(`  check failed: ${c}`);
    out.push(`  replay: ${f.replay}`);
  }
  out.push(`findability: ${r.failing} failing seed(s) / ${n} seeds run${r.failing > 0 && !r.stoppedEarly ? ` (about 1 in ${(n / r.failing).toFixed(1)})` : ''}`);
  const verdict = r.failing === 0 && r.missingMarks.length === 0;
  out.push('', verdict ? 'verdict: OK — every seed held every invariant and the required marks were reached'
    : `verdict: FAIL — ${r.failing > 0 ? `${r.failing} failing seed(s)` : ''}${r.failing > 0 && r.missingMarks.length ? '; ' : ''}${r.missingMarks.length ? `marks never reached: ${r.missingMarks.join(', ')}` : ''}`);
  return out.join('\n');
}
