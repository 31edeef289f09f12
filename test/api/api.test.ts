// The public API (src/index.ts): what the command line does, as functions. Overrides go through
// the schema, options the runtime would ignore are refused, and a run with overrides prints a
// replay line that reproduces it exactly.
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';
import { FaultlineError, openScenario, replay, runScenario } from '../../src/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof FaultlineError ? err.code : `not a FaultlineError: ${String(err)}`;
  }
  return undefined;
}

describe('the faultline API', () => {
  it('offers what the command line does', () => {
    for (const name of [
      'runScenario',
      'exploreScenario',
      'replay',
      'replayRecording',
      'openScenario',
      'listScenarios',
      'runChain',
      'formatNestedReport',
      'formatExplore',
      'formatReplay',
      'bugToggles',
      'version',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
    expect(api.listScenarios().map((s) => s.name)).toContain('default-storm');
  });

  it('opens a scenario with overrides checked by the schema, naming the option', () => {
    const { scenario } = openScenario('vprq-overflow', { set: ['iommu.prqEntries=64', 'devices.0.atcEntries=8'], durationMs: 2, bugs: ['vprq-drop-leaks-cookie'] });
    expect(scenario.iommu.prqEntries).toBe(64);
    expect(scenario.devices[0]!.atcEntries).toBe(8);
    expect(scenario.durationMs).toBe(2);
    expect(scenario.bugs).toContain('vprq-drop-leaks-cookie');
    expect(codeOf(() => openScenario('vprq-overflow', { durationMs: 0 }))).toBe('FAULTLINE_SCENARIO_INVALID');
    expect(() => openScenario('vprq-overflow', { durationMs: 0 })).toThrow(/options\.durationMs 0: scenario\.durationMs/);
    expect(() => openScenario('vprq-overflow', { set: ['iommu.nope=1'] })).toThrow(/--set iommu\.nope=1: scenario\.iommu\.nope: unknown key/);
    // A Scenario object is validated too.
    const bad = structuredClone(scenario) as unknown as { vmm: { vprqEntries: unknown } };
    bad.vmm.vprqEntries = 'many';
    expect(codeOf(() => openScenario(bad as never))).toBe('FAULTLINE_SCENARIO_INVALID');
  });

  it('refuses options the runtime would ignore before anything runs', async () => {
    await expect(runScenario('vprq-overflow', { runtime: 'sim', workers: 2 })).rejects.toThrow(/options\.workers applies to the threaded runtime only/);
    await expect(runScenario('vprq-overflow', { runtime: 'threads', schedule: 'AAEC' })).rejects.toThrow(/options\.schedule applies to the simulator only/);
  });

  it('a failing run with overrides prints a replay line that reproduces it exactly', async () => {
    const r = await runScenario('prq-clear-pro-early', { runtime: 'sim', seed: 3, bugs: ['clear-pro-early'], set: ['iommu.prqEntries=32', 'workload.inFlight=24'] });
    expect(r.ok).toBe(false);
    expect(r.replay).toContain('--set iommu.prqEntries=32');
    expect(r.replay).toContain('--set workload.inFlight=24');
    const again = await replay(r.replay);
    expect(again.traceHash).toBe(r.traceHash);
    expect(again.checker!.violations).toEqual(r.checker!.violations);
  });
});
