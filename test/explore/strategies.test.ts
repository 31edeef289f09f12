// The exploration strategies (pct, pos, delay-bounded, swarm, portfolio): each is deterministic
// per seed, its findings replay exactly from their replay line, it keeps its bound, the
// determinism self-check catches an actor that is not deterministic and names the first step
// that differed, and an actor error stays an error outcome under every strategy.
import { describe, expect, it } from 'vitest';
import { chainStageActor } from '../../actors/chain/chain-stage.actor.ts';
import { exploreScenario, replay } from '../../src/api/index.ts';
import { compareRuns } from '../../src/explore/determinism-check.ts';
import { explore } from '../../src/explore/explore.ts';
import { exploreVerdict } from '../../src/explore/format-explore.ts';
import { swarmScenario } from '../../src/explore/swarm.ts';
import { runNested } from '../../src/runtime/nested-run.ts';
import { delayBoundedStrategy } from '../../src/runtime/sim/delay-bounded-strategy.ts';
import { delayScheduleMark } from '../../src/runtime/sim/choices.ts';
import { pctStrategy } from '../../src/runtime/sim/pct-strategy.ts';
import { posStrategy } from '../../src/runtime/sim/pos-strategy.ts';
import { runSim, type SimResult } from '../../src/runtime/sim/sim-runtime.ts';
import { makeStrategy, type StrategySpec } from '../../src/runtime/sim/strategy-spec.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import { loadScenario, resolveScenario } from '../../src/scenario/load.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import type { Topology } from '../../src/actor/topology.ts';
import { nondeterministicActor } from '../fixtures/nondeterministic.actor.ts';

const scenarioName = 'ats-vs-atc-invalidate';
const bug = 'atc-keeps-raced-translation';
const short = () =>
  resolveScenario(loadScenario(scenarioName).scenario, [
    { path: 'durationMs', value: 1, option: 'test' },
    { path: 'bugs', value: [bug], option: 'test' },
  ]);

/** n choices of a strategy over a made-up run: a varying number of enabled events from a few sources. */
function drive(choose: (n: number, step: number, sources: Int32Array) => number, steps: number): number[] {
  const rng = createRng(rngStateFrom(7, 1));
  const sources = new Int32Array(8);
  const out: number[] = [];
  for (let step = 0; step < steps; step++) {
    const n = 1 + rng.int(4);
    for (let i = 0; i < n; i++) sources[i] = rng.chance(0.2) ? -1 - rng.int(3) : rng.int(6);
    const c = choose(n, step, sources);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThan(n);
    out.push(c);
  }
  return out;
}

describe('ordering strategies', () => {
  it('make the same choices for the same seed and other choices for another seed', () => {
    for (const make of [(s: number) => pctStrategy(s, 3, 500), posStrategy, (s: number) => delayBoundedStrategy(s, 4, 500)]) {
      const a = drive(make(11).choose, 500);
      expect(drive(make(11).choose, 500)).toEqual(a);
      expect(drive(make(12).choose, 500)).not.toEqual(a);
    }
  });

  it('delay-bounded deviates from the default order (choice 0) at most k times, and uses its whole budget over a long run', () => {
    for (const k of [0, 1, 3]) {
      for (let seed = 1; seed <= 5; seed++) {
        const choices = drive(delayBoundedStrategy(seed, k, 1000).choose, 1200);
        expect(choices.filter((c) => c !== 0).length).toBe(k);
      }
    }
    const short = delayBoundedStrategy(1, 5, 100_000);
    drive(short.choose, 50);
    expect(short.deviations).toBeLessThanOrEqual(5);
  });

  it('pct applies at most d − 1 priority change points, all of them within its step estimate', () => {
    for (const d of [1, 2, 4]) {
      const s = pctStrategy(3, d, 300);
      drive(s.choose, 100);
      expect(s.changePointsApplied).toBeLessThanOrEqual(d - 1);
      drive((n, step, src) => s.choose(n, step + 100, src), 400);
      expect(s.changePointsApplied).toBe(d - 1);
    }
  });

  it('pct runs the highest-priority source until a change point lowers it', () => {
    const s = pctStrategy(5, 1, 1000); // no change points: a fixed priority order
    const sources = Int32Array.from([0, 1, 2]);
    const first = s.choose(3, 0, sources);
    for (let step = 1; step < 50; step++) expect(s.choose(3, step, sources)).toBe(first);
  });
});

describe('strategies on a race scenario', () => {
  const scenario = short();
  const specs: StrategySpec[] = [{ name: 'pct', depth: 3, stepsEstimate: 20_000 }, { name: 'pos' }, { name: 'delay-bounded', depth: 2, stepsEstimate: 20_000 }];

  it.each(specs)('$name: same seed, same trace hash; the replay line reproduces the run exactly', async (spec) => {
    const a = await runNested(scenario, { runtime: 'sim', seed: 4, source: scenarioName, strategy: spec });
    const b = await runNested(scenario, { runtime: 'sim', seed: 4, source: scenarioName, strategy: spec });
    expect(b.traceHash).toBe(a.traceHash);
    expect(a.replay).toContain(`--strategy ${spec.name}`);
    const again = await replay(a.replay);
    expect(again.traceHash).toBe(a.traceHash);
    expect(again.ok).toBe(a.ok);
  });

  it('keeps its bounds in a whole simulator run: delay-bounded ≤ k non-default choices, pct ≤ d − 1 change points', () => {
    const { topology } = nestedTopology(scenario);
    const db = delayBoundedStrategy(9, 3, 20_000);
    const r = runSim(topology, { seed: 9, strategy: db });
    // The schedule of a strategy that may choose delays starts with the delay mark (choices.ts), not a choice.
    const made = Array.from(r.choices).slice(r.choices[0] === delayScheduleMark ? 1 : 0);
    expect(made.filter((c) => c !== 0).length).toBeLessThanOrEqual(3);
    expect(db.deviations).toBeLessThanOrEqual(3);
    const pct = pctStrategy(9, 4, r.steps);
    runSim(nestedTopology(scenario).topology, { seed: 9, strategy: pct });
    expect(pct.changePointsApplied).toBeLessThanOrEqual(3);
  });

  it('swarm draws the scenario knobs per seed, deterministically, only through the schema', () => {
    const base = loadScenario('pasid-teardown-reuse').scenario;
    const a = swarmScenario(base, 3);
    expect(swarmScenario(base, 3)).toEqual(a);
    const drawn = [1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(swarmScenario(base, seed)));
    expect(new Set(drawn).size).toBeGreaterThan(1);
    expect(drawn.some((d) => d !== JSON.stringify(base))).toBe(true);
    // Every drawn scenario is one the schema accepts as it stands.
    for (const d of drawn) expect(resolveScenario(JSON.parse(d))).toEqual(JSON.parse(d));
  });

  it.each(['pct', 'pos', 'delay-bounded', 'swarm'] as const)('explore --strategy %s: every seed passes the determinism self-check and replays from its line', async (strategy) => {
    const r = await exploreScenario(scenarioName, { seeds: 2, bugs: [bug], durationMs: 1, strategy, checkDeterminism: 1, jobs: 1 });
    expect(r.strategy).toBe(strategy);
    expect(r.errors).toBe(0);
    for (const s of r.seeds) {
      expect(s.strategy).toBe(strategy);
      expect(s.nondeterministic).toBeUndefined();
      const again = await replay(s.replay);
      expect(again.traceHash).toBe(s.traceHash);
    }
  });

  it('a portfolio deals its seeds round-robin, and each summary names the strategy that ran it', async () => {
    const r = await exploreScenario(scenarioName, { from: 10, to: 14, bugs: [bug], durationMs: 1, strategy: 'portfolio', jobs: 1 });
    expect(r.seeds.map((s) => s.strategy)).toEqual(['random', 'pct', 'swarm', 'pos', 'pct']);
    expect(r.stepsEstimate).toBeGreaterThan(0);
    // The first seed is the steps-estimate run itself: the same run a random exploration makes of it.
    const alone = await exploreScenario(scenarioName, { from: 10, to: 10, bugs: [bug], durationMs: 1, strategy: 'random', jobs: 1 });
    expect(r.seeds[0]!.traceHash).toBe(alone.seeds[0]!.traceHash);
    expect(r.stepsEstimate).toBe(alone.seeds[0]!.steps);
    for (const s of r.seeds) expect((await replay(s.replay)).traceHash).toBe(s.traceHash);
  });

  it('--time stops handing out seeds when the budget is spent', async () => {
    const r = await exploreScenario(scenarioName, { durationMs: 1, timeMs: 1, jobs: 1 });
    expect(r.timedOut).toBe(true);
    expect(r.seeds.length).toBeGreaterThanOrEqual(1);
    expect(r.to).toBe(r.seeds.at(-1)!.seed);
  });

  it('refuses a bad strategy, a depth it does not take, and a bad self-check before anything runs', async () => {
    await expect(exploreScenario(scenarioName, { strategy: 'pcx' as never })).rejects.toThrow(/options\.strategy must be one of .*did you mean 'pct'/);
    await expect(exploreScenario(scenarioName, { strategy: 'pos', depth: 2 })).rejects.toThrow(/options\.depth applies to pct, delay-bounded and portfolio only; got options\.strategy pos/);
    await expect(exploreScenario(scenarioName, { strategy: 'pct', depth: 0 })).rejects.toThrow(/options\.depth must be a whole number from 1 to 64; got 0/);
    await expect(exploreScenario(scenarioName, { checkDeterminism: -1 })).rejects.toThrow(/options\.checkDeterminism must be/);
  });
});

describe('the determinism self-check', () => {
  const oddTopology = (): Topology => ({
    actors: [
      { name: 'device', def: chainStageActor, config: { role: 'source', index: 1, down: 'device->odd', requests: 20, window: 2 } },
      { name: 'odd', def: nondeterministicActor, config: {} },
    ],
    channels: [
      { name: 'device->odd', from: 'device', to: 'odd', capacity: 8 },
      { name: 'odd->device', from: 'odd', to: 'device', capacity: 8 },
    ],
  });

  it('catches an actor that is not deterministic and names the first step whose delivery differed', () => {
    const runs: SimResult[] = [1, 2].map(() => runSim(oddTopology(), { seed: 3, strategy: makeStrategy({ name: 'pos' }, 3), stepHashes: true }));
    const where = compareRuns(runs[0]!, runs[1]!);
    expect(where).toMatch(/^first differing step \d+: both delivered from channel odd->device but the message differed$/);
    const step = Number(/step (\d+)/.exec(where!)![1]);
    // Up to that step the runs agree; at it, the nondeterministic answer is delivered.
    expect(runs[0]!.stepTrace!.hashes.slice(0, step)).toEqual(runs[1]!.stepTrace!.hashes.slice(0, step));
    expect(runs[0]!.stepTrace!.sources[step]).toBe(1);
  });

  it('passes two runs of a deterministic topology', () => {
    const { topology } = nestedTopology(short());
    const [a, b] = [1, 2].map(() => runSim(nestedTopology(short()).topology, { seed: 2, stepHashes: true }));
    expect(topology.actors.length).toBeGreaterThan(0);
    expect(compareRuns(a!, b!)).toBeNull();
  });
});

describe('actor errors under a strategy', () => {
  it('count as error outcomes, never findings, under pct, pos, swarm and portfolio', async () => {
    const { scenario } = loadScenario('vprq-overflow');
    scenario.iommu.prqEntries = 24; // not a power of two: the IOMMU's PRQ refuses it at start
    for (const name of ['pct', 'pos', 'swarm', 'portfolio'] as const) {
      const r = await explore({ scenario, source: 'vprq-overflow', from: 1, to: 3, jobs: 1, strategy: { name, stepsEstimate: 100 }, checkDeterminismEvery: 1 });
      expect(r.errors).toBe(3);
      expect(r.failing).toBe(0);
      expect(r.firstFailure).toBeNull();
      expect(exploreVerdict(r)).toMatch(/^verdict: ERROR — 3 seed\(s\) could not finish/);
    }
  });
});
