// The simulator's virtual time against closed forms: one tier as a single server fed by a
// Poisson process. M/M/1: mean sojourn W = 1/(μ − λ), mean number in system L = ρ/(1 − ρ).
// M/D/1 (Pollaczek–Khinchine): W = 1/μ + ρ/(2μ(1 − ρ)), L = ρ + ρ²/(2(1 − ρ)). L is measured by
// the queue meter (the time integral of the occupancy), W from every job's arrival and departure.
import { describe, expect, it } from 'vitest';
import { QueueMeter } from '../../src/metrics/queue-meter.ts';
import { SeriesClock } from '../../src/metrics/series.ts';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import type { Distribution } from '../../src/util/distribution.ts';
import { singleServerTopology, type SinkState } from '../fixtures/queueing.actor.ts';

const serviceMeanNs = 1000;
const jobs = 400_000;

function measure(rho: number, service: Distribution, seed: number): { W: number; L: number; littleError: number; inOrder: boolean } {
  const r = runSim(singleServerTopology({ dist: 'exponential', mean: serviceMeanNs / rho }, service, jobs), { seed, check: false, recordChoices: false });
  expect(r.stopReason).toBe('quiescent');
  const s = r.actors.find((a) => a.name === 'sink')!.state as SinkState;
  expect(s.arrivalsNs.length).toBe(jobs);
  const meter = new QueueMeter('server', new SeriesClock(1000, 1000));
  const events: [number, number][] = [];
  let sojournNs = 0;
  let inOrder = true;
  for (let i = 0; i < jobs; i++) {
    events.push([s.arrivalsNs[i]!, 1], [s.departuresNs[i]!, -1]);
    sojournNs += s.departuresNs[i]! - s.arrivalsNs[i]!;
    if (i > 0 && s.arrivalsNs[i]! < s.arrivalsNs[i - 1]!) inOrder = false;
  }
  events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  for (const [t, d] of events) (d > 0 ? meter.arrive : meter.depart).call(meter, t, 0, 1);
  const m = meter.result(r.virtualNs);
  return { W: sojournNs / jobs, L: m.little.meanOccupancy, littleError: m.little.relativeError, inOrder };
}

const tolerance = 0.03;

describe('a single-server tier against queueing closed forms', () => {
  for (const rho of [0.5, 0.8]) {
    it(`M/M/1 at ρ = ${rho}: W = 1/(μ − λ) and L = ρ/(1 − ρ) within ${tolerance * 100} %`, () => {
      for (const seed of [1, 2]) {
        const { W, L, littleError, inOrder } = measure(rho, { dist: 'exponential', mean: serviceMeanNs }, seed);
        expect(inOrder).toBe(true); // FIFO: jobs leave in the order they came
        expect(Math.abs(W / (serviceMeanNs / (1 - rho)) - 1)).toBeLessThan(tolerance);
        expect(Math.abs(L / (rho / (1 - rho)) - 1)).toBeLessThan(tolerance);
        expect(littleError).toBeLessThan(0.01);
      }
    }, 60_000);
  }

  it(`M/D/1 at ρ = 0.8 matches Pollaczek–Khinchine within ${tolerance * 100} %`, () => {
    const rho = 0.8;
    for (const seed of [1, 2]) {
      const { W, L } = measure(rho, { dist: 'fixed', value: serviceMeanNs }, seed);
      expect(Math.abs(W / (serviceMeanNs + (rho * serviceMeanNs) / (2 * (1 - rho))) - 1)).toBeLessThan(tolerance);
      expect(Math.abs(L / (rho + (rho * rho) / (2 * (1 - rho))) - 1)).toBeLessThan(tolerance);
    }
  }, 60_000);

  it('a server with no service cost adds no wait: W is 0 whatever the load', () => {
    const { W } = measure(0.8, { dist: 'fixed', value: 0 }, 1);
    expect(W).toBe(0);
  }, 60_000);
});
