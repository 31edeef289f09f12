// Actors' own latencies as windows (issue 10, ctx.delayNs): ATS completion, IOTLB invalidation,
// handler cost, unmap period and ATC invalidation delay declared as distributions are drawn from
// the actor's own stream when sampled, and in the simulator under a delay-choosing strategy are
// the strategy's picks in their windows, recorded in the schedule and replayed exactly.
import { describe, expect, it } from 'vitest';
import { createActorCtx } from '../../src/actor/ctx.ts';
import { runNested } from '../../src/runtime/nested-run.ts';
import { decodeChoices, delayScheduleMark, encodeChoices } from '../../src/runtime/sim/choices.ts';
import { posStrategy } from '../../src/runtime/sim/pos-strategy.ts';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import type { Strategy } from '../../src/runtime/sim/strategy.ts';
import { delayWindowOf } from '../../src/runtime/sim/timing.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { sample, type Distribution } from '../../src/util/distribution.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

const ctxOf = (delay?: (d: Distribution) => number) =>
  createActorCtx('iommu', {
    rngSeed: 5,
    rngStream: 2,
    marks: new Map(),
    memories: new Map(),
    send: () => true,
    now: () => 0,
    check: () => undefined,
    timerAt: () => undefined,
    ...(delay ? { delay } : {}),
  });

describe('ctx.delayNs', () => {
  it('a number or a fixed distribution is itself and draws nothing; a window is sampled from the actor stream', () => {
    const ctx = ctxOf();
    expect(ctx.delayNs(1234)).toBe(1234);
    expect(ctx.delayNs({ dist: 'fixed', value: 99 })).toBe(99);
    const d: Distribution = { dist: 'lognormal', median: 800, sigma: 0.8 };
    const own = createRng(rngStateFrom(5, 2));
    for (let i = 0; i < 5; i++) expect(ctx.delayNs(d)).toBe(sample(d, own));
    // nothing else was taken from the stream: the ctx's next number is the copy's next
    expect(ctx.rng.float()).toBe(own.float());
  });

  it("a backend's delay source decides a window, and is never asked about a number", () => {
    const asked: Distribution[] = [];
    const ctx = ctxOf((d) => {
      asked.push(d);
      return 42;
    });
    expect(ctx.delayNs(7)).toBe(7);
    expect(ctx.delayNs({ dist: 'uniform', min: 10, max: 100 })).toBe(42);
    expect(asked).toEqual([{ dist: 'uniform', min: 10, max: 100 }]);
  });
});

/** The ATS race scenario, short, with the ATS completion latency and the unmap period as windows. */
function windowed(): Scenario {
  const { scenario } = loadScenario('ats-vs-atc-invalidate');
  scenario.durationMs = 0.3;
  scenario.iommu.atsLatencyNs = { dist: 'lognormal', median: 800, sigma: 0.8 };
  scenario.guest.unmapEveryNs = { dist: 'uniform', min: 20000, max: 40000 };
  return scenario;
}

describe('actor latencies as delay choices in the simulator', () => {
  it('a delay-choosing strategy is asked for every ATS completion and unmap period, in their windows, and the run replays exactly', async () => {
    const s = windowed();
    const asked = new Map<string, number>();
    const inner = posStrategy(3);
    const spy: Strategy = {
      name: 'spy',
      choose: (n, step, sources) => inner.choose(n, step, sources),
      chooseDelay: (lo, hi, step) => {
        asked.set(`${lo}..${hi}`, (asked.get(`${lo}..${hi}`) ?? 0) + 1);
        return inner.chooseDelay!(lo, hi, step);
      },
    };
    const r = runSim(nestedTopology(s).topology, { seed: 3, strategy: spy });
    expect(r.stopReason).toBe('quiescent');
    const ats = delayWindowOf({ dist: 'lognormal', median: 800, sigma: 0.8 }).join('..');
    expect(asked.get(ats)).toBeGreaterThan(10);
    expect(asked.get('20000..40000')).toBeGreaterThan(5);
    expect([...asked.keys()].sort()).toEqual([ats, '20000..40000'].sort()); // hops and services are fixed here
    expect(r.choices[0]).toBe(delayScheduleMark);
    const replayed = await runNested(s, { runtime: 'sim', seed: 3, schedule: encodeChoices(r.choices) });
    expect(replayed.traceHash).toBe(r.traceHash);
    // a different pick in one window is a different run: the choices are what decided it
    const other = runSim(nestedTopology(s).topology, { seed: 3, strategy: posStrategy(4) });
    expect(other.traceHash).not.toBe(r.traceHash);
  });

  it('sampled (random strategy), the windows record no delay choices and the seed alone replays the run', async () => {
    const s = windowed();
    const a = runSim(nestedTopology(s).topology, { seed: 9 });
    expect(a.choices.length).toBe(a.steps);
    expect(decodeChoices(encodeChoices(a.choices))[0]).not.toBe(delayScheduleMark);
    const again = await runNested(s, { runtime: 'sim', seed: 9 });
    expect(again.traceHash).toBe(a.traceHash);
  });
});
