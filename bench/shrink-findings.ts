// Shrinking findings with delay choices (issue 10): the seed-1 findings of pct, pos and
// delay-bounded on every toggle's shipped race scenario, as shipped (fixed timings: the schedule
// carries the delay mark and no delay) and with every hop given a window (sim.latencyNs uniform
// 500..1500 ns: a delay choice per message), and the first findings of pct, pos, delay-bounded and
// portfolio on the rare-window fixtures (bench/fixtures/rare/, seeds 1..SHRINK_RARE_SEEDS). Each is
// shrunk (shrinkFailure, SHRINK_RUNS runs / SHRINK_MS ms, default 300 / 60 000) into files, and the files are replayed as a user would
// (`faultline replay <scenario.yaml> --seed N --schedule <schedule.json>`): verified when the same
// invariant fails with the same trace hash and no divergence. One Markdown row per finding.
//
//   npx tsx bench/shrink-findings.ts race|rare     (SHRINK_ONLY=name,… picks scenarios or fixtures,
//                                                  SHRINK_STRATEGIES=pct,… strategies,
//                                                  SHRINK_RESEEDS=N the shrink's reseeds)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bugToggles, exploreScenario, replay, shrinkFailure } from '../src/api/index.ts';
import { fixturePath, rareFixtures } from './explore.bench.ts';

const which = process.argv[2] ?? 'race';
const only = process.env.SHRINK_ONLY?.split(',').filter(Boolean);
const rareSeeds = Number(process.env.SHRINK_RARE_SEEDS ?? 8);
const runsMax = Number(process.env.SHRINK_RUNS ?? 300);
const wallMsMax = Number(process.env.SHRINK_MS ?? 60_000);
const strategies = process.env.SHRINK_STRATEGIES?.split(',').filter(Boolean);
const window = 'sim.latencyNs={dist: uniform, min: 500, max: 1500}';
const scratch = mkdtempSync(join(tmpdir(), 'faultline-shrink-findings-'));

interface Finding {
  label: string;
  scenario: string;
  bugs: string[];
  set: string[];
  strategy: 'pct' | 'pos' | 'delay-bounded' | 'portfolio';
  from: number;
  to: number;
}

function findings(): Finding[] {
  const out: Finding[] = [];
  if (which === 'race') {
    for (const t of bugToggles) {
      const scenario = t.shownBy.scenario;
      if (only && !only.includes(scenario)) continue;
      const bugs = [t.name, ...(t.shownBy.with ? [t.shownBy.with] : [])];
      for (const set of [[], [window]])
        for (const strategy of ['pct', 'pos', 'delay-bounded'] as const) out.push({ label: `${scenario} (${t.name})${set.length ? ' + window' : ''}`, scenario, bugs, set, strategy, from: 1, to: 1 });
    }
  } else {
    for (const f of rareFixtures) {
      if (only && !only.includes(f.name)) continue;
      for (const strategy of ['pct', 'pos', 'delay-bounded', 'portfolio'] as const)
        out.push({ label: `${f.name} (${f.bug})`, scenario: fixturePath(f.name), bugs: [f.bug], set: [], strategy, from: 1, to: rareSeeds });
    }
  }
  return out;
}

console.log('| finding | strategy (seed) | invariant | steps before → after | share | non-default choices | non-default delay choices | windows | runs / s | replay verified |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const f of findings().filter((x) => strategies === undefined || strategies.includes(x.strategy))) {
  const found = await exploreScenario(f.scenario, { from: f.from, to: f.to, bugs: f.bugs, set: f.set, strategy: f.strategy, stopAtFirst: true, jobs: 1 });
  const first = found.firstFailure;
  if (first === null) {
    console.log(`| ${f.label} | ${f.strategy} (none in ${f.from}..${f.to}) | | | | | | | | |`);
    continue;
  }
  const made = / --strategy (\S+)/.exec(first.replay)?.[1] ?? (first.replay.includes(' --set ') && f.set.length === 0 ? 'swarm' : 'random');
  const out = join(scratch, `${found.seeds.length}-${Math.random().toString(36).slice(2)}`);
  const r = await shrinkFailure(first.replay, { out, runsMax, wallMsMax, ...(process.env.SHRINK_RESEEDS !== undefined ? { reseeds: Number(process.env.SHRINK_RESEEDS) } : {}) });
  const again = await replay(r.replay);
  const verified = r.verified && again.traceHash === r.traceHash && again.divergence === undefined && again.checker?.invariants.find((i) => i.id === r.invariant)?.ok === false;
  const b = r.before;
  const a = r.after;
  console.log(
    `| ${f.label} | ${f.strategy === 'portfolio' ? `portfolio → ${made}` : f.strategy} (${first.seed}) | ${r.invariant} | ${b.steps} → ${a.steps} | ${((100 * a.steps) / b.steps).toFixed(1)} % | ${b.choices} → ${a.choices} | ${b.delayChoices} → ${a.delayChoices} | ${b.windows} → ${a.windows} | ${r.runs} / ${(r.wallMs / 1000).toFixed(1)}${r.budgetExhausted ? ' (budget)' : ''} | ${verified ? 'yes' : 'NO'} |`,
  );
}
rmSync(scratch, { recursive: true, force: true });
