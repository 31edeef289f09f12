// The simulator keeps causal chains only for a run that needs them (nested-run.ts
// simRunWithChains): a violating run runs again with them, to the same stop, and its report must
// be the one a single run keeping them gives; a run stopped from outside (wall-clock cap,
// interrupt) must run again to the same step, time and stop report (SimOptions.replayStop).
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { runSim, type SimResult } from '../../src/runtime/sim/sim-runtime.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

function scenarioWith(name: string, bug: string | null, durationMs: number): Scenario {
  const { scenario } = loadScenario(name);
  scenario.durationMs = durationMs;
  if (bug !== null) scenario.bugs = [...scenario.bugs, bug as Scenario['bugs'][number]];
  return scenario;
}

/** What two runs must share to be the same run. */
function sameRun(r: SimResult) {
  return {
    steps: r.steps,
    virtualNs: r.virtualNs,
    traceHash: r.traceHash,
    stopReason: r.stopReason,
    stopReport: r.stopReport,
    choices: Array.from(r.choices),
    channels: r.channels,
    marks: r.marks,
    stats: r.actors.map((a) => [a.name, a.pending, a.stats]),
    checker: JSON.stringify(r.checker),
  };
}

describe('causal chains kept on violation', () => {
  const violating: [string, string | null][] = [
    ['vprq-overflow', 'vprq-drop-leaks-cookie'],
    ['flr-prgi-reuse', 'vmm-prgi-only-match'],
    ['ats-vs-atc-invalidate', 'atc-keeps-raced-translation'],
    ['pasid-teardown-reuse', 'no-drain-before-reuse'],
  ];
  for (const [name, bug] of violating) {
    it(`${name} with ${bug}: the report equals one run keeping chains`, async () => {
      const s = scenarioWith(name, bug, 10);
      const always = await runNested(structuredClone(s), { runtime: 'sim', seed: 1, chains: 'always' });
      const lazy = await runNested(structuredClone(s), { runtime: 'sim', seed: 1 });
      const never = await runNested(structuredClone(s), { runtime: 'sim', seed: 1, chains: 'never' });
      const violations = always.checker!.violations;
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.chain.length > 0)).toBe(true);
      expect(JSON.stringify(lazy)).toBe(JSON.stringify(always));
      // Without chains the violations and everything else are the same; only the chains are empty.
      expect(never.checker!.violations.map((v) => v.chain.length)).toEqual(violations.map(() => 0));
      const unchained = { ...always, checker: { ...always.checker!, violations: violations.map((v) => ({ ...v, chain: [] })) } };
      expect(JSON.stringify(never)).toBe(JSON.stringify(unchained));
    });
  }

  it('a run with no violation runs once: onSimResult and onStepLayout are called once', async () => {
    const s = scenarioWith('default-storm', null, 2);
    let results = 0;
    let layouts = 0;
    const r = await runNested(s, { runtime: 'sim', seed: 1, onSimResult: () => results++, onStepLayout: () => layouts++ });
    expect(r.checker!.violations).toEqual([]);
    expect([results, layouts]).toEqual([1, 1]);
  });

  it('a violating run reports one simulator result and one step layout, the second run’s', async () => {
    const s = scenarioWith('vprq-overflow', 'vprq-drop-leaks-cookie', 10);
    const seen: SimResult[] = [];
    let layouts = 0;
    const r = await runNested(s, { runtime: 'sim', seed: 1, onSimResult: (x) => seen.push(x), onStepLayout: () => layouts++ });
    expect([seen.length, layouts]).toEqual([1, 1]);
    expect(seen[0]!.checker!.violations[0]!.chain.length).toBeGreaterThan(0);
    expect(r.traceHash).toBe(seen[0]!.traceHash);
  });
});

describe('a stop from outside, run again (SimOptions.replayStop)', () => {
  const topology = () => nestedTopology(scenarioWith('default-storm', null, 20)).topology;

  it('an interrupted run runs again to the same step, time and checker verdict', () => {
    const signal = { aborted: false };
    const first = runSim(topology(), { seed: 4, signal, progress: { everySteps: 1000, fn: (steps) => void (signal.aborted = steps >= 5000) } });
    expect(first.stopReason).toBe('interrupted');
    const again = runSim(topology(), { seed: 4, replayStop: { steps: first.steps, virtualNs: first.virtualNs, stopReason: 'interrupted' } });
    expect(sameRun(again)).toEqual(sameRun(first));
  });

  it('a run the wall-clock cap stopped runs again to the same stop, with the same stop report', () => {
    const first = runSim(topology(), { seed: 5, guard: { wallClockCapMs: 0 } });
    expect(first.stopReason).toBe('wall-clock-cap');
    expect(first.stopReport).toBeDefined();
    const again = runSim(topology(), {
      seed: 5,
      guard: { wallClockCapMs: 0 },
      replayStop: { steps: first.steps, virtualNs: first.virtualNs, stopReason: 'wall-clock-cap', stopReport: first.stopReport! },
    });
    expect(sameRun(again)).toEqual(sameRun(first));
  });

  it('a run again that steps past the stop it repeats throws FAULTLINE_REPLAY_DIVERGED', () => {
    expect(() => runSim(topology(), { seed: 4, replayStop: { steps: 100, virtualNs: 1e15, stopReason: 'interrupted' } })).toThrow(expect.objectContaining({ code: 'FAULTLINE_REPLAY_DIVERGED' }));
  });
});
