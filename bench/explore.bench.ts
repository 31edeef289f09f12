// The race search on rare windows (issue 10): for each rare-window variant of a toggle's race
// scenario (bench/fixtures/rare/: windows narrowed until uniform random finds the bug on at
// most 1 seed in 20) and each exploration strategy, the seeds and the wall time to the first
// violation in each of several disjoint seed ranges (explore with stopAtFirst, in this thread:
// one core), and their medians; a range with no violation counts as its length (censored,
// shown with >). Then the simulator's speed on the shipped race scenarios: deliveries per
// second of CPU on one core, checker and metrics on, as explore runs them.
// Then, with BENCH_EXPLORE_HUNT_MS (e.g. 60000), a hunt per fixture as a user runs one: the
// default strategy (the portfolio), seeds from BENCH_EXPLORE_HUNT_FROM (default 1) until the first violation or the time budget,
// in this thread (exploreScenario(fixture, { timeMs, stopAtFirst: true, jobs: 1 })).
// BENCH_EXPLORE_RANGES (default 5) ranges of BENCH_EXPLORE_SEEDS (default 8) seeds each, random's
// of BENCH_EXPLORE_RANDOM_SEEDS (default 20: it rarely finds anything in 8, and a censored median
// says little); BENCH_EXPLORE_ONLY=rare-vprq-overflow,... picks fixtures;
// BENCH_EXPLORE_STRATEGIES=... strategies (none: no table); BENCH_EXPLORE_SIM=0 skips the speed run.

import { fileURLToPath } from 'node:url';
import { exploreScenario } from '../src/api/explore.ts';
import { runNested } from '../src/runtime/nested-run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { median } from './stats.ts';

const rangeCount = Number(process.env.BENCH_EXPLORE_RANGES ?? 5);
const rangeSeeds = Number(process.env.BENCH_EXPLORE_SEEDS ?? 8);
const randomRangeSeeds = Number(process.env.BENCH_EXPLORE_RANDOM_SEEDS ?? 20);
const huntMs = process.env.BENCH_EXPLORE_HUNT_MS === undefined ? undefined : Number(process.env.BENCH_EXPLORE_HUNT_MS);
const huntFrom = Number(process.env.BENCH_EXPLORE_HUNT_FROM ?? 1);
/** Seeds per range for a strategy. */
const seedsOf = (strategy: string): number => (strategy === 'random' ? randomRangeSeeds : rangeSeeds);
const list = (v: string | undefined): string[] | undefined =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const rareFixtures: { name: string; bug: string }[] = [
  { name: 'rare-ats-vs-atc-invalidate', bug: 'atc-keeps-raced-translation' },
  { name: 'rare-atc-before-iotlb', bug: 'atc-before-iotlb' },
  { name: 'rare-prq-clear-pro-early', bug: 'clear-pro-early' },
  { name: 'rare-vprq-overflow', bug: 'vprq-drop-leaks-cookie' },
  { name: 'rare-flr-prgi-reuse', bug: 'vmm-prgi-only-match' },
  { name: 'rare-pasid-teardown-reuse', bug: 'no-drain-before-reuse' },
];
const strategies = ['random', 'pct', 'pos', 'delay-bounded', 'swarm', 'portfolio'] as const;

export const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/rare/${name}.yaml`, import.meta.url));

interface Cell {
  /** Seeds per range. */
  rangeSeeds: number;
  /** Per range: seeds run up to and including the first failing one, or null when none failed. */
  seeds: (number | null)[];
  /** Per range: wall ms to the first violation (or of the whole range). */
  wallMs: number[];
  /** Failing seeds / seeds run over every range (without stopping: the findability). */
  medianSeeds: number;
  medianWallMs: number;
  found: number;
}

async function cell(fixture: { name: string; bug: string }, strategy: (typeof strategies)[number]): Promise<Cell> {
  const seeds: (number | null)[] = [];
  const wallMs: number[] = [];
  const n = seedsOf(strategy);
  for (let i = 0; i < rangeCount; i++) {
    const from = 1 + i * n;
    const r = await exploreScenario(fixturePath(fixture.name), { from, to: from + n - 1, bugs: [fixture.bug], strategy, stopAtFirst: true, jobs: 1 });
    if (r.errors > 0) throw new Error(`${fixture.name} ${strategy}: ${r.firstError?.error}`);
    seeds.push(r.firstFailure === null ? null : r.firstFailure.seed - from + 1);
    wallMs.push(r.wallMs);
  }
  return {
    rangeSeeds: n,
    seeds,
    wallMs,
    medianSeeds: median(seeds.map((s) => s ?? n + 1)),
    medianWallMs: median(wallMs),
    found: seeds.filter((s) => s !== null).length,
  };
}

/** Deliveries per CPU second on one core over the shipped race scenarios (each once, seed 1). */
async function simSpeed(): Promise<{ steps: number; cpuMs: number; stepsPerSecond: number }> {
  const names = ['prq-clear-pro-early', 'vprq-overflow', 'ats-vs-atc-invalidate', 'atc-before-iotlb', 'pasid-teardown-reuse', 'flr-prgi-reuse', 'replace-with-pending', 'guest-pause-heal'];
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // Warm-up: one pass over all of them, so the figure is the steady rate a search's worker runs at,
  // not the JIT compiling each scenario's paths on first use (that pass alone measures ~0.5 of it).
  for (const n of names) await runNested(loadScenario(n).scenario, { runtime: 'sim', seed: 1 });
  let steps = 0;
  const t0 = cpu();
  for (const n of names) steps += (await runNested(loadScenario(n).scenario, { runtime: 'sim', seed: 1 })).steps ?? 0;
  const cpuMs = cpu() - t0;
  return { steps, cpuMs, stepsPerSecond: (steps / cpuMs) * 1000 };
}

interface Hunt {
  /** The first failing seed and the portfolio member that ran it, or null when the budget ran out first. */
  found: { seed: number; strategy: string } | null;
  seedsRun: number;
  wallMs: number;
}

/** A time-bounded hunt with the default strategy, one core, as `faultline explore F --bug B --time 60s --stop-at-first`. */
async function hunt(fixture: { name: string; bug: string }, timeMs: number): Promise<Hunt> {
  const r = await exploreScenario(fixturePath(fixture.name), { from: huntFrom, bugs: [fixture.bug], timeMs, stopAtFirst: true, jobs: 1 });
  if (r.errors > 0) throw new Error(`${fixture.name}: ${r.firstError?.error}`);
  const f = r.firstFailure;
  return { found: f === null ? null : { seed: f.seed, strategy: f.strategy }, seedsRun: r.seeds.length, wallMs: r.wallMs };
}

export async function run(): Promise<Record<string, unknown>> {
  const only = list(process.env.BENCH_EXPLORE_ONLY);
  const chosen = list(process.env.BENCH_EXPLORE_STRATEGIES) ?? [...strategies];
  const table: Record<string, Record<string, Cell>> = {};
  for (const f of rareFixtures) {
    if (only && !only.includes(f.name)) continue;
    if (chosen.length === 0 || chosen[0] === 'none') continue;
    table[f.name] = {};
    for (const s of strategies) {
      if (!chosen.includes(s)) continue;
      const c = await cell(f, s);
      table[f.name]![s] = c;
      console.log(`${f.name} ${s}: seeds to first ${c.seeds.map((x) => x ?? `>${c.rangeSeeds}`).join(' ')} (median ${c.medianSeeds}), wall ms ${c.wallMs.map((w) => w.toFixed(0)).join(' ')}`);
    }
  }
  const hunts: Record<string, Hunt> = {};
  if (huntMs !== undefined) {
    for (const f of rareFixtures) {
      if (only && !only.includes(f.name)) continue;
      const h = await hunt(f, huntMs);
      hunts[f.name] = h;
      console.log(
        `${f.name} hunt (default strategy, ${huntMs / 1000} s): ${h.found === null ? 'not found' : `seed ${h.found.seed} (${h.found.strategy})`} after ${h.seedsRun} seeds, ${(h.wallMs / 1000).toFixed(1)} s`,
      );
    }
  }
  return { rangeCount, rangeSeeds, randomRangeSeeds, table, hunts, huntMs, sim: process.env.BENCH_EXPLORE_SIM === '0' ? null : await simSpeed() };
}

export function formatResults(r: Awaited<ReturnType<typeof run>>): string {
  const {
    table,
    sim,
    hunts,
    huntMs: budgetMs,
  } = r as {
    table: Record<string, Record<string, Cell>>;
    sim: Awaited<ReturnType<typeof simSpeed>> | null;
    hunts: Record<string, Hunt>;
    huntMs: number | undefined;
  };
  const chosen = [...new Set(Object.values(table).flatMap((row) => Object.keys(row)))];
  const out =
    chosen.length === 0
      ? []
      : [
          `median seeds to the first violation / median wall s (over ${r.rangeCount as number} disjoint ranges of ${r.rangeSeeds as number} seeds, random's of ${r.randomRangeSeeds as number}; >N: none in the range)`,
          `| fixture | ${chosen.join(' | ')} | best non-random vs random |`,
          `| --- | ${chosen.map(() => '---').join(' | ')} | --- |`,
        ];
  for (const [f, row] of Object.entries(table)) {
    const censored = (c: Cell): boolean => c.medianSeeds > c.rangeSeeds;
    const cellText = (c: Cell | undefined): string => (c === undefined ? '—' : `${censored(c) ? `>${c.rangeSeeds}` : c.medianSeeds} / ${censored(c) ? '>' : ''}${(c.medianWallMs / 1000).toFixed(1)}`);
    const random = row.random;
    const best = Object.entries(row)
      .filter(([s]) => s !== 'random')
      .sort((a, b) => a[1].medianSeeds - b[1].medianSeeds || a[1].medianWallMs - b[1].medianWallMs)[0];
    // A median past the range is censored: the ratio is then a lower bound, or nothing when both are.
    let ratio = '—';
    if (random && best && !censored(best[1])) ratio = `${best[0]} ${censored(random) ? '≥ ' : ''}${(random.medianWallMs / best[1].medianWallMs).toFixed(1)}×`;
    else if (random && best && !censored(random)) ratio = `random best`;
    else if (best) ratio = 'none found';
    out.push(`| ${f} | ${chosen.map((s) => cellText(row[s])).join(' | ')} | ${ratio} |`);
  }
  if (budgetMs !== undefined) {
    out.push('', `| fixture | default strategy, ${budgetMs / 1000} s on one core, seeds from ${huntFrom} |`, '| --- | --- |');
    for (const [f, h] of Object.entries(hunts)) {
      out.push(`| ${f} | ${h.found === null ? `not found in ${h.seedsRun} seeds` : `seed ${h.found.seed} (${h.found.strategy}), ${(h.wallMs / 1000).toFixed(1)} s`} |`);
    }
  }
  if (sim !== null) out.push('', `simulator on the race scenarios: ${sim.steps} steps in ${(sim.cpuMs / 1000).toFixed(2)} s CPU = ${(sim.stepsPerSecond / 1000).toFixed(0)} k steps/s on one core`);
  return out.join('\n');
}
