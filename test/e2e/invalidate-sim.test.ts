// The invalidation path end to end in the deterministic runtime: guest unmaps racing the fault
// storm (scenarios/invalidate-vs-fault.yaml), every check holding and the summary's
// invalidation section accounting for every unmap; a deaf device's ATC invalidations time out
// and are reported without leaving anything owed; a slow device shows in the wait latency.

import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { formatNestedReport } from '../../src/report/format-nested.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

function scenario(over: (s: Scenario) => void = () => undefined): Scenario {
  const { scenario: s } = loadScenario('invalidate-vs-fault');
  s.durationMs = 1;
  over(s);
  return s;
}

const failed = (r: Awaited<ReturnType<typeof runNested>>) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

describe('invalidation path in the deterministic runtime', () => {
  it('unmaps racing the fault storm: every check holds and every invalidation and wait completes', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await runNested(scenario(), { runtime: 'sim', seed });
      expect(failed(r), `seed ${seed}`).toEqual([]);
      const v = r.invalidations;
      expect(v.unmaps).toBeGreaterThan(20);
      expect(v.guestIotlb).toBe(v.unmaps);
      expect(v.guestDevtlb).toBe(v.unmaps);
      expect(v.forwardedEntries).toBe(v.unmaps);
      // Every device function has an ATC and one PASID per address space: one IOTLB and one ATC invalidation per entry.
      expect(v.iotlbIssued).toBe(v.forwardedEntries);
      expect(v.atcIssued).toBe(v.forwardedEntries);
      expect(v.atcCompleted).toBe(v.atcIssued);
      expect(v.waitsIssued).toBe(v.unmaps);
      expect(v.waitsCompleted).toBe(v.waitsIssued);
      expect(v.timeouts + v.hostTimeouts + v.waitsWithError).toBe(0);
      expect(v.waitNs.p50).toBeGreaterThan(0);
      expect(v.waitNs.p50).toBeLessThanOrEqual(v.waitNs.p99);
      expect(r.faults.raised).toBeGreaterThan(100);
    }
  });

  it('the summary has an invalidation section', async () => {
    const r = await runNested(scenario(), { runtime: 'sim', seed: 1 });
    const text = formatNestedReport(r);
    expect(text).toContain('invalidations (guest unmaps → HWPT_INVALIDATE → IOTLB, then ATC)');
    expect(text).toMatch(new RegExp(`unmaps \\(pages\\)\\s+${r.invalidations.unmaps} `));
    expect(text).toMatch(/ATC invalidations completed \/ timed out\s+\d+ \/ 0/);
    expect(text).toMatch(/wait latency p50 \/ p99\s+\S+ µs \/ \S+ µs/);
    const plain = formatNestedReport(await runNested(loadScenarioSmall(), { runtime: 'sim', seed: 1 }));
    expect(plain).not.toContain('invalidations (');
  });

  it('a device deaf to ATC invalidations: the IOMMU times them out, the waits report it, nothing stays owed', async () => {
    const r = await runNested(
      scenario((s) => {
        s.devices[0]!.ignoresAtcInv = true;
        s.iommu.atcInvTimeoutNs = 50_000;
      }),
      { runtime: 'sim', seed: 4 },
    );
    expect(failed(r)).toEqual([]);
    const v = r.invalidations;
    expect(v.timeouts).toBeGreaterThan(0);
    expect(v.atcCompleted + v.timeouts).toBe(v.atcIssued);
    expect(v.hostTimeouts).toBeGreaterThan(0);
    // Each failed HWPT_INVALIDATE fails the VMM's call, and every guest wait covering it (queued behind it) reports the error.
    expect((r.tiers.vmm.invalidate as Record<string, number>).callErrors).toBe(v.hostTimeouts);
    expect(v.waitsWithError).toBeGreaterThanOrEqual(v.hostTimeouts);
    expect(v.waitsCompleted).toBe(v.waitsIssued);
    expect(r.marks['iommu.atcInvTimeout']).toBe(v.timeouts);
    expect(v.waitNs.max).toBeGreaterThanOrEqual(50_000);
  });

  it("a slow device (atcInvDelayNs) shows in the guest's wait latency", async () => {
    const fast = await runNested(scenario(), { runtime: 'sim', seed: 5 });
    const slow = await runNested(
      scenario((s) => {
        for (const d of s.devices) d.atcInvDelayNs = 30_000;
      }),
      { runtime: 'sim', seed: 5 },
    );
    expect(failed(slow)).toEqual([]);
    expect(slow.invalidations.waitNs.p50).toBeGreaterThan(30_000);
    expect(fast.invalidations.waitNs.p50).toBeLessThan(30_000);
  });
});

describe('a translation completion that raced an invalidation (ATS latency opens the window)', () => {
  /** Few pages (they stay in the ATC) and completions leaving the IOMMU 10 µs after their walk. */
  const racy = (bugs: string[] = []) =>
    scenario((s) => {
      s.durationMs = 2;
      s.workload.pages = 48;
      s.workload.mappablePages = 48;
      s.guest.unmapPages = 1;
      s.iommu.atsLatencyNs = 10_000;
      s.bugs = bugs;
    });

  it('is not cached: the device translates again and I3 (no translation used after its invalidation) holds', async () => {
    const r = await runNested(racy(), { runtime: 'sim', seed: 1 });
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.marks['device.ats-raced-invalidation']).toBeGreaterThan(0);
    expect(r.checker!.invariants.find((i) => i.id === 'I3')).toMatchObject({ ok: true });
  });

  it("bug atc-keeps-raced-translation: the stale ATC entry is used after the guest's wait completed, and I3 catches it", async () => {
    const r = await runNested(racy(['atc-keeps-raced-translation']), { runtime: 'sim', seed: 1 });
    expect(r.marks['device.atc-kept-raced-translation']).toBeGreaterThan(0);
    expect(r.ok).toBe(false);
    const v = r.checker!.violations.filter((x) => x.invariant === 'I3');
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.message).toMatch(/^a DMA used the translation of asid \d+ page \d+ at version \d+ after the invalidation up to version \d+ completed$/);
  });
});

function loadScenarioSmall(): Scenario {
  const { scenario: s } = loadScenario('default-storm');
  s.durationMs = 1;
  s.workload.pages = 2048;
  s.workload.mappablePages = 1900;
  return s;
}
