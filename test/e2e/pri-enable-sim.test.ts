// The PRI enable path end to end in the deterministic runtime: devices start DMA only once the
// host enabled IOPF for them (first fault-capable attach → PRE + PRI Control Enable), so no
// fault of the default scenario finds the IOMMU's PRE clear or the host without a handler.

import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

describe('PRI enable path (sim)', () => {
  it('the default scenario: every device enabled once, no fault refused for PRE or a missing handler, checks hold', async () => {
    const { scenario } = loadScenario('default-storm');
    scenario.durationMs = 1;
    scenario.workload.pages = 2048;
    scenario.workload.mappablePages = 1900;
    const r = await runNested(scenario, { runtime: 'sim', seed: 1 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.autoResponses['host.noHandler']).toBe(0);
    expect(r.drops['iommu.priDisabled']).toBe(0);
    expect(r.faults.raised).toBeGreaterThan(100);
    const host = r.tiers.host as { iopf: { enables: number; disables: number; vfRefused: number } };
    expect(host.iopf).toEqual({ enables: scenario.devices.length, disables: 0, vfRefused: 0 });
    expect(r.marks['device.pri-enabled']).toBe(scenario.devices.length);
  });
});
