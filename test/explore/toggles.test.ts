// Each bug toggle the race scenarios make observable: exploration finds a failing seed within
// 20 seeds, and the replay line of the first failure reproduces the same violation (same
// invariant, ghosts and message).

import { describe, expect, it } from 'vitest';
import { exploreScenario, formatExplore, runScenario } from '../../src/api/index.ts';
import { formatReplay, parseReplayLine, replay, replaySourceOf } from '../../src/api/index.ts';
import type { InvariantId } from '../../src/check/types.ts';

const cases: { scenario: string; bug: string; invariant: InvariantId }[] = [
  { scenario: 'prq-clear-pro-early', bug: 'clear-pro-early', invariant: 'I6' },
  { scenario: 'vprq-overflow', bug: 'vprq-drop-leaks-cookie', invariant: 'I1' },
  { scenario: 'ats-vs-atc-invalidate', bug: 'atc-keeps-raced-translation', invariant: 'I3' },
  { scenario: 'pasid-teardown-reuse', bug: 'no-drain-before-reuse', invariant: 'I7' },
  { scenario: 'flr-prgi-reuse', bug: 'vmm-prgi-only-match', invariant: 'I2' },
  { scenario: 'atc-before-iotlb', bug: 'atc-before-iotlb', invariant: 'I3' },
];

describe('bug toggles found by exploration and reproduced by replay', () => {
  for (const c of cases) {
    it(`${c.scenario} --bug ${c.bug}: ${c.invariant} within 20 seeds, and the replay line reproduces it`, async () => {
      const r = await exploreScenario(c.scenario, { from: 1, to: 20, bugs: [c.bug], jobs: 1, stopAtFirst: true, checkDeterminism: true });
      expect(r.errors, 'the determinism self-check passed').toBe(0);
      const f = r.firstFailure;
      expect(f, formatExplore(r)).not.toBeNull();
      expect(r.perInvariant.find((i) => i.id === c.invariant)!.failingSeeds).toBeGreaterThan(0);
      const first = f!.violations.find((v) => v.invariant === c.invariant)!;
      expect(first).toBeDefined();
      expect(f!.replay).toBe(`faultline run ${c.scenario} --runtime sim --seed ${f!.seed} --duration-ms ${r.durationMs} --bug ${c.bug}`);

      const spec = parseReplayLine([`${f!.replay}   (re-runs the scenario deterministically with this seed)`]);
      const rep = await replay(spec);
      expect(rep.ok).toBe(false);
      expect(rep.traceHash).toBe(f!.traceHash);
      const again = rep.checker!.violations.find((v) => v.invariant === c.invariant)!;
      expect({ invariant: again.invariant, ghosts: again.ghosts, first: again.message }).toEqual(first);
      const text = formatReplay(replaySourceOf(spec), rep);
      expect(text).toContain(`violation ${c.invariant}: ${first.first}`);
      expect(text).toMatch(/^reproduced: \d+ violation/m);
    }, 20_000);
  }

  it('prgi-reuse --bug vmm-prgi-only-match: without a reset the VMM never holds two groups with one PRGI, so the runs stay clean', async () => {
    const r = await exploreScenario('prgi-reuse', { from: 1, to: 3, bugs: ['vmm-prgi-only-match'], jobs: 1 });
    expect(r.failing).toBe(0);
    expect(r.marks.find((m) => m.name === 'vmm.prgi-remembered-twice')).toBeUndefined();
    expect(r.marks.find((m) => m.name === 'device.prgi-reused')?.seeds).toBe(3);
  }, 20_000);
});

// R22 is mainline (io-pgfault.c iommu_report_device_fault → err_bad_iopf → iopf_error_response for
// every request): no toggle, the default model shows it; the option 'last-request' is the fix.
describe('mainline bug R22 (no handler attached): shown by default, fixed by an option', () => {
  it('no-handler-partial: I1 in every seed with no toggle, and the replay line (no --bug) reproduces it', async () => {
    const r = await exploreScenario('no-handler-partial', { from: 1, to: 3, jobs: 1 });
    expect(r.failing).toBe(3);
    const f = r.firstFailure!;
    const first = f.violations.find((v) => v.invariant === 'I1')!;
    expect(first.first).toMatch(/second response/);
    expect(f.replay).toBe(`faultline run no-handler-partial --runtime sim --seed ${f.seed} --duration-ms ${r.durationMs}`);
    const rep = await replay(f.replay);
    expect(rep.traceHash).toBe(f.traceHash);
    expect(rep.checker!.violations.find((v) => v.invariant === 'I1')!.message).toBe(first.first);
  }, 20_000);

  it("no-handler-partial with host.noHandlerResponse 'last-request': clean, every mark reached", async () => {
    for (const seed of [1, 2, 3]) {
      const rep = await runScenario('no-handler-partial', { runtime: 'sim', seed, set: ['host.noHandlerResponse=last-request'] });
      expect(rep.checker!.violations, `seed ${seed}`).toEqual([]);
      expect(rep.ok, `seed ${seed}`).toBe(true);
    }
  }, 20_000);
});

describe('replay', () => {
  it('a clean run replays clean, from the bare arguments', async () => {
    const spec = parseReplayLine(['prq-overflow-mid-group', '--seed', '2', '--duration-ms', '1']);
    expect(spec).toEqual({ scenario: 'prq-overflow-mid-group', seed: 2, durationMs: 1, bugs: [], set: [] });
    const rep = await replay(spec);
    expect(rep.ok).toBe(true);
    expect(formatReplay(replaySourceOf(spec), rep)).toMatch(/^clean: the replayed run held every invariant/m);
  }, 20_000);

  it('parses the replay line as one argument or as words, with or without faultline run and a note', () => {
    const want = { scenario: 'vprq-overflow', seed: 7, durationMs: 1, bugs: ['vprq-drop-leaks-cookie'], set: [] };
    expect(parseReplayLine(['faultline run vprq-overflow --runtime sim --seed 7 --duration-ms 1 --bug vprq-drop-leaks-cookie'])).toEqual(want);
    expect(parseReplayLine('faultline run vprq-overflow --runtime sim --seed 7 --duration-ms 1 --bug vprq-drop-leaks-cookie (a note) here'.split(' '))).toEqual(want);
    expect(parseReplayLine(['run', 'vprq-overflow', '--seed=7', '--duration-ms', '1', '--bug', 'vprq-drop-leaks-cookie'])).toEqual(want);
    expect(parseReplayLine(['vprq-overflow', '--seed', '7', '--schedule', 'AAEC'])).toEqual({ scenario: 'vprq-overflow', seed: 7, bugs: [], set: [], schedule: 'AAEC' });
    expect(() => parseReplayLine(['vprq-overflow'])).toThrow(/needs --seed/);
    expect(() => parseReplayLine(['vprq-overflow', '--seed', '1', '--runtime', 'threads'])).toThrow(/--runtime must be sim/);
    expect(parseReplayLine(['vprq-overflow', '--seed', '1', '--set', 'iommu.prqEntries=64', '--set', 'durationMs=2']).set).toEqual(['iommu.prqEntries=64', 'durationMs=2']);
    expect(parseReplayLine(['faultline replay --record r.flrec'])).toMatchObject({ record: 'r.flrec' });
    expect(() => parseReplayLine(['--record', 'r.flrec', '--seed', '1'])).toThrow(/takes nothing else/);
    expect(() => parseReplayLine(['vprq-overflow', '--seed', '1', '--sed', '2'])).toThrow(/unknown option --sed in the replay line \(did you mean 'seed'\?\)/);
  });

  it('a recorded schedule replays the failing run step for step (same trace hash, same violation)', async () => {
    const { runNested } = await import('../../src/runtime/nested-run.ts');
    const { loadScenario } = await import('../../src/scenario/load.ts');
    const { scenario } = loadScenario('vprq-overflow');
    scenario.bugs = ['vprq-drop-leaks-cookie'];
    const rec = await runNested(scenario, { runtime: 'sim', seed: 3, source: 'vprq-overflow', recordSchedule: true });
    expect(rec.ok).toBe(false);
    expect(rec.schedule).toMatch(/^[A-Za-z0-9_-]+$/);
    const rep = await replay(parseReplayLine(['vprq-overflow', '--seed', '3', '--bug', 'vprq-drop-leaks-cookie', '--schedule', rec.schedule!]));
    expect(rep.traceHash).toBe(rec.traceHash);
    expect(rep.checker!.violations.map((v) => [v.invariant, v.ghosts])).toEqual(rec.checker!.violations.map((v) => [v.invariant, v.ghosts]));
  }, 20_000);
});
