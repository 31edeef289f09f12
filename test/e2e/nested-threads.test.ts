import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { liveWorkerCount } from '../../src/runtime/spawn-worker.ts';
import { loadScenario } from '../../src/scenario/load.ts';

describe('nested IOPF path on real worker threads', () => {
  it('a bounded fault storm on five workers answers every group exactly once and leaves no worker', async () => {
    const { scenario } = loadScenario('default-storm');
    scenario.durationMs = 1500;
    const r = await runNested(scenario, { runtime: 'threads', seed: 11 });
    expect(r.workers).toBe(5);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.faults.raised).toBeGreaterThan(1000);
    expect(liveWorkerCount()).toBe(0);
  });

  it('the same storm with the tiers grouped on two workers, with tiny hardware queues', async () => {
    const { scenario } = loadScenario('default-storm');
    scenario.durationMs = 1000;
    scenario.iommu.prqEntries = 16;
    scenario.vmm.vprqEntries = 16;
    const r = await runNested(scenario, { runtime: 'threads', seed: 12, workers: 2 });
    expect(r.workers).toBe(2);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(liveWorkerCount()).toBe(0);
  });
});
