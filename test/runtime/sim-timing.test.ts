// Timings in the simulator: hop latencies as distributions keep a channel FIFO, a service cost
// delays what a step sends, and timing as a choice (issue 10): a strategy that chooses delays
// finds a race only one delay inside a window triggers, and its schedule replays it exactly.
import { describe, expect, it } from 'vitest';
import { decodeChoices, delayScheduleMark, encodeChoices } from '../../src/runtime/sim/choices.ts';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import { randomStrategy, replayStrategy, type Strategy } from '../../src/runtime/sim/strategy.ts';
import { delayWindowOf } from '../../src/runtime/sim/timing.ts';
import { posStrategy } from '../../src/runtime/sim/pos-strategy.ts';
import { pctStrategy } from '../../src/runtime/sim/pct-strategy.ts';
import { delayBoundedStrategy } from '../../src/runtime/sim/delay-bounded-strategy.ts';
import { quantile } from '../../src/util/distribution.ts';
import { runNested } from '../../src/runtime/nested-run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import { singleServerTopology, type SinkState } from '../fixtures/queueing.actor.ts';
import { raceTopology, type JudgeState } from '../fixtures/timing-race.actor.ts';

const window = { dist: 'uniform', min: 0, max: 1000 } as const;
const raceAtNs = 500;

/** Puts every windowed delay `offset` ns above the window's low end; orders by the first enabled event. */
function delayAt(offset: number): Strategy {
  return { name: `delay+${offset}`, choose: () => 0, chooseDelay: (lo, hi) => Math.min(hi, lo + offset) };
}

describe('hop latencies as distributions', () => {
  it('keep a channel FIFO: a message is never delivered before one sent ahead of it', () => {
    const r = runSim(raceTopology({ dist: 'exponential', mean: 5000 }, 1, 200), { seed: 3 });
    const seen = (r.actors[2]!.state as JudgeState).seen.filter((e) => e.from === 1);
    expect(seen.map((e) => e.id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.atNs).toBeGreaterThanOrEqual(seen[i - 1]!.atNs);
    expect(new Set(seen.map((e) => e.atNs)).size).toBeGreaterThan(1); // the latencies did vary
  });

  it('a fixed latency draws nothing and a random strategy records no delay choices', () => {
    const r = runSim(raceTopology(window, raceAtNs), { seed: 1 });
    expect(r.choices.length).toBe(r.steps);
    expect(r.choices[0]).not.toBe(delayScheduleMark);
  });

  it('what a step sends leaves when its service cost has passed', () => {
    const r = runSim(singleServerTopology({ dist: 'fixed', value: 10_000 }, { dist: 'fixed', value: 300 }, 3), { seed: 1 });
    const s = r.actors[2]!.state as SinkState;
    expect(s.departuresNs.map((d, i) => d - s.arrivalsNs[i]!)).toEqual([300, 300, 300]);
  });

  it('windows: a uniform is its range, an open distribution its [q0.001, q0.999]', () => {
    expect(delayWindowOf(window)).toEqual([0, 1000]);
    const exp = { dist: 'exponential', mean: 1000 } as const;
    expect(delayWindowOf(exp)).toEqual([Math.round(quantile(exp, 0.001)), Math.round(quantile(exp, 0.999))]);
    expect(
      delayWindowOf({
        dist: 'empirical',
        points: [
          [200, 0],
          [800, 0.5],
          [5000, 1],
        ],
      }),
    ).toEqual([200, 5000]);
  });
});

describe('timing as a choice', () => {
  const found = (strategy: Strategy, seed = 1) => runSim(raceTopology(window, raceAtNs), { seed, strategy });

  it('the race needs the one delay of 1001 in the window: 40 seeds of random sampling miss it', () => {
    const hits = Array.from({ length: 40 }, (_, i) => found(randomStrategy(i + 1), i + 1)).filter((r) => (r.marks['test.same-instant'] ?? 0) > 0);
    expect(hits).toEqual([]);
  });

  it('a strategy that chooses delays finds it, and its recorded schedule replays it exactly', () => {
    let hit: ReturnType<typeof found> | undefined;
    let tried = 0;
    for (let offset = 0; offset <= 1000 && hit === undefined; offset += 1) {
      tried++;
      const r = found(delayAt(offset));
      if ((r.marks['test.same-instant'] ?? 0) > 0) hit = r;
    }
    expect(hit).toBeDefined();
    expect(tried).toBe(raceAtNs + 1);
    expect(hit!.choices[0]).toBe(delayScheduleMark);
    const schedule = encodeChoices(hit!.choices);
    const again = runSim(raceTopology(window, raceAtNs), { seed: 99, strategy: replayStrategy(decodeChoices(schedule)) });
    expect(again.marks['test.same-instant']).toBe(1);
    expect(again.traceHash).toBe(hit!.traceHash);
    expect(again.choices).toEqual(hit!.choices);
    expect((again.actors[2]!.state as JudgeState).seen).toEqual((hit!.actors[2]!.state as JudgeState).seen);
  });

  it('delay choices wider than 16 bits replay exactly, and a schedule cut short says it diverged', () => {
    const wide = { dist: 'uniform', min: 1000, max: 5_000_000 } as const;
    const a = runSim(raceTopology(wide, 1, 20), { seed: 1, strategy: { name: 'far', choose: () => 0, chooseDelay: (_lo, hi) => hi - 7 } });
    const b = runSim(raceTopology(wide, 1, 20), { seed: 1, strategy: replayStrategy(a.choices) });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.virtualNs).toBe(a.virtualNs);
    expect(a.virtualNs).toBe(5_000_000 - 7);
    expect(() => runSim(raceTopology(wide, 1, 20), { seed: 1, strategy: replayStrategy(a.choices.slice(0, 3)) })).toThrow(/FAULTLINE_REPLAY_DIVERGED|recorded schedule/);
  });

  it('in the nested path, a run whose strategy chose every windowed delay replays exactly from its --schedule line', async () => {
    const { scenario } = loadScenario('vprq-overflow');
    scenario.durationMs = 1;
    scenario.sim.latencyNs = { dist: 'uniform', min: 500, max: 1500 };
    scenario.sim.service = { guestDescriptor: { dist: 'exponential', mean: 300 } };
    const rng = createRng(rngStateFrom(17, 1));
    const picky: Strategy = { name: 'picky', choose: (n) => rng.int(n), chooseDelay: (lo, hi) => (rng.chance(0.5) ? lo : hi) };
    const r = runSim(nestedTopology(scenario).topology, { seed: 17, strategy: picky });
    expect(r.stopReason).toBe('quiescent');
    expect(r.choices.length).toBeGreaterThan(2 * r.steps); // a delay for nearly every message, two words each
    const replayed = await runNested(scenario, { runtime: 'sim', seed: 17, schedule: encodeChoices(r.choices) });
    expect(replayed.traceHash).toBe(r.traceHash);
  });
});

describe('the search strategies choose delays', () => {
  // The race needs the window's late end (1000 of 0..1000): one sample in 1001 for random sampling.
  const atEnd = (strategy: Strategy, seed: number) => runSim(raceTopology(window, 1000), { seed, strategy });
  const hitSeeds = (make: (seed: number) => Strategy) => Array.from({ length: 20 }, (_, i) => i + 1).filter((seed) => (atEnd(make(seed), seed).marks['test.same-instant'] ?? 0) > 0);

  it('random sampling misses a race at a window end; pos, pct and delay-bounded pick window ends and find it', () => {
    expect(hitSeeds((seed) => randomStrategy(seed))).toEqual([]);
    expect(hitSeeds((seed) => posStrategy(seed)).length).toBeGreaterThan(3);
    expect(hitSeeds((seed) => pctStrategy(seed, 2, 4)).length).toBeGreaterThan(3);
    expect(hitSeeds((seed) => delayBoundedStrategy(seed, 2, 4)).length).toBeGreaterThan(3);
  });

  it('delay-bounded keeps the early end by default and spends at most k deviations, delays included; its runs replay', () => {
    const none = atEnd(delayBoundedStrategy(1, 0, 4), 1);
    expect(none.marks['test.same-instant'] ?? 0).toBe(0);
    for (let seed = 1; seed <= 10; seed++) {
      const s = delayBoundedStrategy(seed, 1, 4);
      const r = atEnd(s, seed);
      expect(s.deviations).toBeLessThanOrEqual(1);
      const again = runSim(raceTopology(window, 1000), { seed: 7, strategy: replayStrategy(r.choices) });
      expect(again.traceHash).toBe(r.traceHash);
    }
  });
});
