// The PASID lifecycle end to end in the simulator (scenarios/pasid-teardown-reuse.yaml): every
// pasidReuse stops the device, drains (with PRO retries when the PRQ overflows) and rebinds;
// I5 and I7 get a verdict and hold; with bug no-drain-before-reuse (R1) old faults reach the
// new address space (I7).

import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const verdictOf = (r: Awaited<ReturnType<typeof runNested>>): Record<string, boolean | null> => Object.fromEntries(r.checker!.invariants.map((i) => [i.id, i.ok]));

describe('pasid teardown and reuse (simulator)', () => {
  it('stops, drains and rebinds every PASID of the timeline; I5 and I7 are checked and hold', async () => {
    const { scenario } = loadScenario('pasid-teardown-reuse');
    const r = await runNested(scenario, { runtime: 'sim', seed: 1 });
    expect(r.checker!.violations).toEqual([]);
    expect(verdictOf(r)).toMatchObject({ I1: true, I2: true, I5: true, I7: true, I8: true });
    const host = (r.tiers as unknown as Record<string, Record<string, unknown>>).host!;
    expect(host.pasidReuse).toMatchObject({ reuses: 4, drains: 4, rebinds: 4, rebindsWithoutDrain: 0 });
    expect(host.stopMarkers).toBe(2);
    expect(r.ok).toBe(true);
  }, 20_000);

  it('retries the drain while the PRQ overflowed (PRO set at the fence) and still holds I5 and I7', async () => {
    const { scenario } = loadScenario('pasid-teardown-reuse');
    scenario.iommu.prqEntries = 16;
    scenario.marks = [];
    const r = await runNested(scenario, { runtime: 'sim', seed: 3 });
    expect(r.checker!.violations).toEqual([]);
    const host = (r.tiers as unknown as Record<string, Record<string, unknown>>).host!;
    expect((host.pasidReuse as { drainRetries: number }).drainRetries).toBeGreaterThan(0);
    expect(verdictOf(r)).toMatchObject({ I5: true, I7: true });
  }, 20_000);

  it('bug no-drain-before-reuse: groups of the old incarnation reach the new owner (I7)', async () => {
    const { scenario } = loadScenario('pasid-teardown-reuse');
    scenario.bugs = ['no-drain-before-reuse'];
    const r = await runNested(scenario, { runtime: 'sim', seed: 1 });
    const v = r.checker!.violations.filter((x) => x.invariant === 'I7');
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.message).toMatch(/^group \d+ of incarnation 1 reached the (guest|host) handler after the PASID was rebound to incarnation 2$/);
    // No drain ran, and the PASID was reused with groups of the old incarnation unanswered: I5 as restated.
    expect(verdictOf(r).I5).toBe(false);
    expect(r.checker!.violations.some((x) => x.invariant === 'I5' && /was reused \(incarnation 2\) with \d+ group\(s\) of an older incarnation never answered/.test(x.message))).toBe(true);
    expect(r.ok).toBe(false);
  }, 20_000);
});
