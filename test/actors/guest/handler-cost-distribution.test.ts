// guest.handlerCostNs as a distribution: each group's handler time is drawn from the guest's own
// random stream, so the guest.deliver → guest.respond hop follows it (its mean within a few
// percent of the distribution's); a plain number keeps today's fixed cost and draws nothing.

import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/api/index.ts';

const handlerHop = async (cost: unknown, seed = 1) => {
  const r = await runScenario('default-storm', { runtime: 'sim', seed, durationMs: 2, set: ['sim.profile=none', `guest.handlerCostNs=${JSON.stringify(cost)}`] });
  expect(r.ok).toBe(true);
  const hop = r.metrics!.hops.find((h) => h.from === 'guest.deliver' && h.to === 'guest.respond')!;
  return { hop, r };
};

describe('guest.handlerCostNs as a distribution', () => {
  it('a fixed number: every group takes exactly that long in the handler', async () => {
    const { hop } = await handlerHop(5000);
    expect(hop.latency.count).toBeGreaterThan(1000);
    expect(hop.latency.minNs).toBeGreaterThanOrEqual(5000);
    expect(hop.latency.meanNs).toBeCloseTo(5000, -2);
  }, 60_000);

  it('exponential: the handler hop has the mean and the spread of the distribution, and the run replays', async () => {
    const { hop, r } = await handlerHop({ dist: 'exponential', mean: 5000 });
    expect(hop.latency.count).toBeGreaterThan(1000);
    expect(Math.abs(hop.latency.meanNs - 5000) / 5000).toBeLessThan(0.08);
    expect(hop.latency.p99Ns).toBeGreaterThan(3 * 5000);
    expect(r.replay).toContain('guest.handlerCostNs=');
    const again = await handlerHop({ dist: 'exponential', mean: 5000 });
    expect(again.r.traceHash).toBe(r.traceHash);
  }, 60_000);
});
