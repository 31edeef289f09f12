// The simulator keeps causal chains only for a run that needs them (nested-run.ts
// simRunWithChains): a violating run runs again with them, and its report must be the one a
// single run keeping them gives; a run stopped from outside (wall-clock cap, interrupt) does not
// run again, and its report says its violations come without chains.
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import type { SimResult } from '../../src/runtime/sim/sim-runtime.ts';
import { formatNestedReport } from '../../src/report/format-nested.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

function scenarioWith(name: string, bug: string | null, durationMs: number): Scenario {
  const { scenario } = loadScenario(name);
  scenario.durationMs = durationMs;
  if (bug !== null) scenario.bugs = [...scenario.bugs, bug as Scenario['bugs'][number]];
  return scenario;
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
      const unchained = { ...always, checker: { ...always.checker!, violations: violations.map((v) => ({ ...v, chain: [] })), chainsKept: false } };
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

describe('a run stopped from outside does not run again for its chains', () => {
  it('a violating run the wall-clock cap stopped reports its violations without chains, from one run, and says why', async () => {
    const s = scenarioWith('vprq-overflow', 'vprq-drop-leaks-cookie', 50);
    let results = 0;
    const r = await runNested(s, { runtime: 'sim', seed: 1, wallClockCapMs: 0, onSimResult: () => results++ });
    expect(r.stopReason).toBe('wall-clock-cap');
    expect(r.checker!.violations.length).toBeGreaterThan(0);
    expect(r.checker!.violations.every((v) => v.chain.length === 0)).toBe(true);
    expect(results).toBe(1);
    expect(r.checker!.chainsKept).toBe(false);
    expect(formatNestedReport(r)).toContain('causal chain: not kept: a run stopped by the wall-clock cap does not run again to keep it');
    // Kept in one run ('always'), they are not said to be missing.
    const always = await runNested(structuredClone(s), { runtime: 'sim', seed: 1, wallClockCapMs: 0, chains: 'always' });
    expect(always.checker!.violations.length).toBe(r.checker!.violations.length);
    expect(always.checker!.chainsKept).toBeUndefined();
    expect(formatNestedReport(always)).not.toContain('causal chain: not kept');
  });
});
