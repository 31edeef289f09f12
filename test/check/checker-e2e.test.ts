import { replay } from '../../src/api/index.ts';
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { formatNestedReport } from '../../src/report/format-nested.ts';
import { liveWorkerCount } from '../../src/runtime/spawn-worker.ts';
import { runThreaded } from '../../src/runtime/threads/threaded-runtime.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { smallStorm } from '../support/small-storm.ts';

const tinyQueues = (s: Scenario): void => {
  s.iommu.prqEntries = 8;
  s.vmm.vprqEntries = 8;
  s.workload.inFlight = 16;
};

describe('online checker, end to end', () => {
  it('the default storm in the simulator has zero violations over several seeds, tiny queues included', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = await runNested(smallStorm(seed % 2 === 0 ? tinyQueues : undefined), { runtime: 'sim', seed });
      expect(r.checker!.violations, `seed ${seed}`).toEqual([]);
      expect(r.checker!.events).toBeGreaterThan(10_000);
      const verdict = Object.fromEntries(r.checker!.invariants.map((i) => [i.id, i.ok]));
      expect(verdict).toMatchObject({ I1: true, I2: true, I4: true, I6: true, I8: true, I5: null, I7: null });
      expect(r.ok).toBe(true);
    }
  });

  it('is an observer only: the trace hash is the same with the checker off', async () => {
    const on = await runNested(smallStorm(), { runtime: 'sim', seed: 21 });
    const off = await runNested(smallStorm(), { runtime: 'sim', seed: 21, check: false });
    expect(off.checker).toBeNull();
    expect(on.traceHash).toBe(off.traceHash);
  });

  it('catches a leaked vPRQ cookie (bug vprq-drop-leaks-cookie): I1 names the ghost, shows its chain and the replay line', async () => {
    const r = await runNested(
      smallStorm((s) => {
        tinyQueues(s);
        s.bugs = ['vprq-drop-leaks-cookie'];
      }),
      { runtime: 'sim', seed: 3 },
    );
    const v = r.checker!.violations.find((x) => x.invariant === 'I1')!;
    expect(v.message).toMatch(/^group \d+ was never answered/);
    expect(v.ghosts.length).toBe(1);
    expect(v.chain.map((e) => e.text).join('\n')).toMatch(/vprq: drop 1 of ghost=\d+ \(overflow\)/);
    // The test's cut-down storm differs from the shipped one: the replay line carries every change.
    expect(v.replay).toMatch(/^faultline run default-storm --runtime sim --seed 3 --duration-ms 1 --bug vprq-drop-leaks-cookie( --set \S+)+$/);
    expect(v.replay).toContain(' --set workload.pages=2048');
    const again = await replay(v.replay!);
    expect(again.traceHash).toBe(r.traceHash);
    expect(v.replay).toBe(r.replay);
    expect(v.replay).toContain('--set vmm.vprqEntries=');
    expect(r.ok).toBe(false);
    const text = formatNestedReport(r);
    expect(text).toMatch(/FAIL I1 every accepted group answered exactly once/);
    expect(text).toMatch(/n\/a {2}I5 .*not exercised: no PASID was drained/);
    expect(text).toMatch(/replay: faultline run default-storm --runtime sim --seed 3/);
  });

  it('fails a run that misses a required coverage mark', async () => {
    const r = await runNested(
      smallStorm((s) => {
        s.marks = ['device.prgi-reused', 'vmm.prgiAmbiguous'];
      }),
      { runtime: 'sim', seed: 4 },
    );
    const marks = r.checks.filter((c) => c.name.startsWith('coverage: mark'));
    expect(marks.map((c) => [c.ok, c.detail])).toEqual([
      [true, expect.stringMatching(/^reached/)],
      [false, 'mark vmm.prgiAmbiguous never reached'],
    ]);
    expect(r.ok).toBe(false);
  });

  it("on threads, merges the workers' check logs while the run goes: zero violations", async () => {
    const { scenario } = loadScenario('default-storm');
    // Bounded by work, not by the wall clock: 16 spaces × 300 accesses, nearly all faulting.
    scenario.durationMs = 20_000;
    scenario.workload.accessesMax = 300;
    const r = await runNested(scenario, { runtime: 'threads', seed: 11 });
    expect(r.checker!.violations).toEqual([]);
    expect(r.checker!.events).toBeGreaterThan(10_000);
    expect(r.checker!.invariants.find((i) => i.id === 'I1')!.ok).toBe(true);
    expect(r.replay).toMatch(/^faultline run default-storm --runtime sim --seed 11 .*deterministically/);
    expect(liveWorkerCount()).toBe(0);
  });

  it('on two workers with tiny hardware queues and 64-slot check logs: workers wait (back-pressure), nothing is lost', async () => {
    const { scenario } = loadScenario('default-storm');
    scenario.durationMs = 20_000;
    scenario.workload.accessesMax = 300;
    scenario.iommu.prqEntries = 16;
    scenario.vmm.vprqEntries = 16;
    const { topology } = nestedTopology(scenario, 2);
    const r = await runThreaded(topology, { seed: 12, checkLogCapacity: 64, timeLimitMs: 30_000 });
    expect(r.stopReason).toBe('quiescent');
    expect(r.checker!.violations).toEqual([]);
    expect(r.checker!.backPressureWaits).toBeGreaterThan(0);
    expect(r.checker!.events).toBeGreaterThan(10_000);
    expect(liveWorkerCount()).toBe(0);
  });
});
