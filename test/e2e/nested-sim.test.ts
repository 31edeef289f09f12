import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/cli/run-nested.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

function small(over: (s: Scenario) => void = () => undefined): Scenario {
  const { scenario } = loadScenario('default-storm');
  scenario.durationMs = 1;
  scenario.workload.pages = 2048;
  scenario.workload.mappablePages = 1900;
  over(scenario);
  return scenario;
}

describe('nested IOPF path in the deterministic runtime', () => {
  it('holds every check over many seeds: each group answered once, every queue conserves, nothing owed', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = await runNested(small(), { runtime: 'sim', seed });
      const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      expect(failed, `seed ${seed}`).toEqual([]);
      expect(r.faults.raised).toBeGreaterThan(100);
      expect(r.faults.answered.success).toBeGreaterThan(0);
      expect(r.faults.answered.invalid).toBeGreaterThan(0);
    }
  });

  it('is deterministic: the same seed gives the same trace hash and the same counters', async () => {
    const a = await runNested(small(), { runtime: 'sim', seed: 77 });
    const b = await runNested(small(), { runtime: 'sim', seed: 77 });
    const c = await runNested(small(), { runtime: 'sim', seed: 78 });
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.faults).toEqual(b.faults);
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  it('survives a PRQ and a vPRQ far smaller than the load: overflow drops are counted and auto-answered, checks hold', async () => {
    const r = await runNested(small((s) => {
      s.iommu.prqEntries = 8;
      s.vmm.vprqEntries = 8;
      s.workload.inFlight = 16;
    }), { runtime: 'sim', seed: 3 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    const drops = Object.entries(r.drops).filter(([k, n]) => k.startsWith('iommu.') && n > 0);
    expect(drops.length).toBeGreaterThan(0);
    expect((r.autoResponses['iommu.success'] ?? 0)).toBeGreaterThan(0);
  });

  it('multi-page groups and RID-only spaces go through end to end', async () => {
    const r = await runNested(small((s) => {
      s.workload.pagesPerGroup = 4;
      s.devices[0]!.ridOnly = true;
    }), { runtime: 'sim', seed: 5 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.faults.pageRequests).toBeGreaterThan(r.faults.raised);
  });
});
