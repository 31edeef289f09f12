// Little's law on every queue of every shipped scenario (short runs in the simulator, and
// with each scenario's bug toggle where the README names one that leaves groups stuck): the
// end-of-run check passes, every queue's L and λ·W agree within 1 %, no departure goes
// unmatched, and the check names a queue when the accounting breaks.

import { describe, expect, it } from 'vitest';
import { listScenarios, runScenario } from '../../src/api/index.ts';
import { littleLawCheck, type RunMetrics } from '../../src/check/metrics-collector.ts';

const littleOf = (m: RunMetrics): string[] => m.queues.filter((q) => !q.little.ok || q.little.unmatched > 0).map((q) => q.queue);

describe("Little's law on every shipped scenario", () => {
  const names = listScenarios().map((s) => s.name);

  it('ships scenarios to check', () => {
    expect(names.length).toBeGreaterThan(10);
  });

  for (const name of names) {
    it(`${name}: every queue holds L = λ·W within 1 %`, async () => {
      const r = await runScenario(name, { runtime: 'sim', seed: 1, ...(name === 'default-storm' ? { durationMs: 1 } : {}) });
      const m = r.metrics!;
      expect(littleOf(m)).toEqual([]);
      expect(m.little.ok).toBe(true);
      expect(r.checks.find((c) => c.name.startsWith("Little's law"))?.ok).toBe(true);
      expect(m.queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['prq', 'hostCore', 'faultFd.deliver', 'faultFd.pending', 'vprq', 'guestCore', 'cmdq']));
      expect(m.queues.some((q) => q.queue.startsWith('priCredits '))).toBe(true);
    }, 60_000);
  }

  it('with a bug that leaves groups stuck (vprq-drop-leaks-cookie), the residual keeps the law exact', async () => {
    const r = await runScenario('vprq-overflow', { runtime: 'sim', seed: 1, bugs: ['vprq-drop-leaks-cookie'] });
    const m = r.metrics!;
    expect(r.ok).toBe(false);
    expect(littleOf(m)).toEqual([]);
    expect(m.queues.reduce((n, q) => n + q.little.residual, 0)).toBeGreaterThan(0);
  }, 60_000);

  it("open-loop arrivals: the devices' backlogs are a measured queue holding L = λ·W, full-backlog drops counted by reason", async () => {
    const r = await runScenario('prq-knee', { runtime: 'sim', seed: 1, set: ['workload.arrival.ratePerSec=400000', 'workload.inFlight=2', 'workload.backlogMax=4'] });
    const m = r.metrics!;
    const backlog = m.queues.find((q) => q.queue === 'deviceBacklog')!;
    expect(backlog.arrivals).toBeGreaterThan(100);
    expect(backlog.occupancyMax).toBeGreaterThan(1);
    expect(backlog.drops.backlogFull).toBe(r.drops['device.arrival.backlogFull']);
    expect(backlog.little.ok).toBe(true);
    expect(littleOf(m)).toEqual([]);
    const closed = await runScenario('prgi-reuse', { runtime: 'sim', seed: 1 });
    expect(closed.metrics!.queues.some((q) => q.queue === 'deviceBacklog')).toBe(false);
  }, 60_000);

  it('names the queue whose accounting breaks it', async () => {
    const r = await runScenario('vprq-overflow', { runtime: 'sim', seed: 1 });
    const m = structuredClone(r.metrics!);
    const vprq = m.queues.find((q) => q.queue === 'vprq')!;
    vprq.little = { ...vprq.little, ok: false, relativeError: 0.05, unmatched: 2 };
    m.little = { ...m.little, ok: false, failed: ['vprq'] };
    const check = littleLawCheck(m);
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/vprq: L .* vs λ·W .*5\.000 %.*2 departure\(s\) matched no arrival/);
  }, 60_000);

  it("on threads too (event times from the workers' clocks, never going back in the collector)", async () => {
    const r = await runScenario('vprq-overflow', { runtime: 'threads', seed: 1 });
    const m = r.metrics!;
    expect(littleOf(m)).toEqual([]);
    expect(m.roundTrip.count).toBeGreaterThan(0);
    expect(m.queues.find((q) => q.queue === 'vprq')!.arrivals).toBeGreaterThan(0);
  }, 60_000);

  it('metrics off: no metrics, no Little check', async () => {
    const r = await runScenario('prgi-reuse', { runtime: 'sim', seed: 1, metrics: false });
    expect(r.metrics).toBeNull();
    expect(r.checks.some((c) => c.name.startsWith("Little's law"))).toBe(false);
  }, 60_000);
});
