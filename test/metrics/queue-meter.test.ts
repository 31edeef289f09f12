// Queue metrics on hand-made arrival/departure sequences (src/metrics/queue-meter.ts,
// series.ts): occupancy, sojourn and Little's law exactly, the residual at the window's end,
// broken accounting, and series that stay aligned and keep their totals when they coarsen.

import { describe, expect, it } from 'vitest';
import { QueueMeter } from '../../src/metrics/queue-meter.ts';
import { CounterSeries, LevelSeries, SeriesClock } from '../../src/metrics/series.ts';

const meter = (intervalNs = 1, pointsMax = 1000): QueueMeter => new QueueMeter('q', new SeriesClock(intervalNs, pointsMax));

describe('queue meter', () => {
  it('a burst served one at a time: L = 2.2, λ = 0.2, W = 11, Little exact', () => {
    const m = meter();
    for (const t of [0, 1, 2, 3]) m.arrive(t, 100 + t, 1);
    for (const [i, t] of [5, 10, 15, 20].entries()) m.depart(t, 100 + i, 1);
    const r = m.result(20);
    expect(r.occupancyMeanItems).toBeCloseTo(44 / 20, 12);
    expect(r.occupancyMax).toBe(4);
    expect(r.sojournMeanNs).toBe(11);
    expect(r.little).toMatchObject({ arrivalRatePerNs: 0.2, meanSojournNs: 11, residual: 0, unmatched: 0, ok: true });
    expect(r.little.relativeError).toBeLessThan(1e-12);
  });

  it('an M/M/1-like FIFO queue from a seeded sequence: occupancy, sojourn and Little against a hand integration', () => {
    let x = 42;
    const rnd = (): number => {
      x = (x * 48271) % 2147483647;
      return x / 2147483647;
    };
    const exp = (mean: number): number => Math.round(-Math.log(1 - rnd()) * mean);
    const m = meter(50, 200);
    const events: [number, number][] = []; // (time, +1 arrival / -1 departure)
    let t = 0;
    let serverFree = 0;
    let sojournSum = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) {
      t += exp(100);
      const start = Math.max(t, serverFree);
      serverFree = start + exp(80);
      events.push([t, 1], [serverFree, -1]);
      sojournSum += serverFree - t;
    }
    // Replay in time order (a stable sort: an item served in 0 ns arrives before it departs), one key per item.
    const order = events.map((e, i) => ({ t: e[0], d: e[1], key: Math.floor(i / 2) })).sort((a, b) => a.t - b.t);
    let area = 0;
    let level = 0;
    let last = 0;
    for (const e of order) {
      area += level * (e.t - last);
      last = e.t;
      level += e.d;
      if (e.d > 0) m.arrive(e.t, e.key, 1);
      else m.depart(e.t, e.key, 1);
    }
    const end = last;
    const r = m.result(end);
    expect(r.arrivals).toBe(n);
    expect(r.departures).toBe(n);
    expect(r.occupancyMeanItems).toBeCloseTo(area / end, 9);
    expect(r.sojournMeanNs).toBeCloseTo(sojournSum / n, 9);
    expect(r.little.ok).toBe(true);
    expect(r.little.relativeError).toBeLessThan(1e-9);
    expect(r.little.unmatched).toBe(0);
    // The series: 200 points at most, and their time-weighted means integrate to the same area.
    const points = r.series.meanItems.length;
    expect(points).toBeLessThanOrEqual(200);
    const iv = 50 * 2 ** Math.ceil(Math.log2(end / (50 * 200)));
    const integral = r.series.meanItems.reduce((a, v, i) => a + v * Math.min(iv, end - i * iv), 0);
    expect(integral).toBeCloseTo(area, 6);
    expect(r.series.arrivals.reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('items still queued at the end count with their time up to it (the residual), so the law still holds', () => {
    const m = meter();
    m.arrive(0, 1, 1);
    m.arrive(2, 2, 1);
    m.depart(5, 1, 1);
    const r = m.result(10);
    expect(r.occupancyMeanItems).toBeCloseTo(1.3, 12);
    expect(r.little).toMatchObject({ residual: 1, meanSojournNs: 6.5, ok: true });
    expect(r.little.arrivalRatePerNs * r.little.meanSojournNs).toBeCloseTo(1.3, 12);
  });

  it('matches departures to arrivals first in, first out within a group, in batches', () => {
    const m = meter();
    m.arrive(0, 7, 2);
    m.arrive(4, 7, 1);
    m.depart(6, 7, 2); // the two of t=0: 6 + 6
    m.depart(10, 7, 1); // the one of t=4: 6
    const r = m.result(10);
    expect(r.sojournMeanNs).toBe(6);
    expect(r.little.ok).toBe(true);
    expect(m.heldOf(7)).toBe(0);
  });

  it('keys that share their low bits (rows past the direct ones) keep their batches apart, first in, first out', () => {
    // 3 000 keys on one direct row (k·4096), each with three batches, against a FIFO per key in a Map.
    const m = meter(1, 1 << 20);
    const model = new Map<number, { t: number; n: number }[]>();
    let sojournNs = 0;
    const keys = Array.from({ length: 3000 }, (_, k) => k * 4096 + (k % 3));
    let t = 0;
    for (let round = 0; round < 3; round++) {
      for (const key of keys) {
        const n = 1 + ((key + round) % 3);
        m.arrive(++t, key, n);
        const q = model.get(key) ?? [];
        q.push({ t, n });
        model.set(key, q);
      }
    }
    for (const [i, key] of keys.entries()) {
      if (i % 4 === 0) continue;
      let left = 1 + (i % 5);
      m.depart(++t, key, left);
      const q = model.get(key)!;
      while (left > 0 && q.length > 0) {
        const take = Math.min(left, q[0]!.n);
        sojournNs += take * (t - q[0]!.t);
        q[0]!.n -= take;
        left -= take;
        if (q[0]!.n === 0) q.shift();
      }
      if (q.length === 0) model.delete(key);
    }
    for (const key of keys) expect(m.heldOf(key)).toBe((model.get(key) ?? []).reduce((a, b) => a + b.n, 0));
    const r = m.result(t);
    let residual = 0;
    for (const q of model.values()) for (const b of q) residual += b.n;
    expect(r.little.residual).toBe(residual);
    expect(r.little.unmatched).toBe(0);
    expect(r.sojournMeanNs).toBe(sojournNs / r.departures);
    expect(r.little.ok).toBe(true);
  });

  it('a window of keys sliding over the direct rows, some colliding 4096 apart, keeps every key and the residual', () => {
    // Keys 0..19 999, 300 held at once; every seventh also 4096 further on, colliding with a key held.
    const m = meter(1, 1 << 20);
    const held = new Map<number, number>();
    let t = 0;
    for (let key = 0; key < 20000; key++) {
      m.arrive(++t, key, 1 + (key % 2));
      held.set(key, (held.get(key) ?? 0) + 1 + (key % 2));
      if (key % 7 === 0) {
        m.arrive(++t, key + 4096, 1);
        held.set(key + 4096, (held.get(key + 4096) ?? 0) + 1);
      }
      const old = key - 300;
      if (old >= 0 && held.has(old)) {
        m.depart(++t, old, held.get(old)!);
        held.delete(old);
      }
    }
    for (const [key, n] of held) expect(m.heldOf(key)).toBe(n);
    expect(m.heldOf(123)).toBe(0);
    const r = m.result(t);
    expect(r.little.residual).toBe([...held.values()].reduce((a, b) => a + b, 0));
    expect(r.little.unmatched).toBe(0);
    expect(r.little.ok).toBe(true);
  });

  it('a departure that matches no arrival breaks the accounting: Little fails, unmatched counted', () => {
    const m = meter();
    m.arrive(0, 1, 1);
    m.depart(3, 1, 1);
    m.depart(4, 9, 1);
    const r = m.result(10);
    expect(r.little.unmatched).toBe(1);
    expect(r.little.ok).toBe(false);
  });

  it('drops are counted by reason and never enter the queue', () => {
    const m = meter();
    m.drop('overflow', 3);
    m.drop('overflow', 1);
    m.drop('priDisabled', 2);
    const r = m.result(5);
    expect(r.drops).toEqual({ overflow: 4, priDisabled: 2 });
    expect(r.arrivals).toBe(0);
    expect(r.little.ok).toBe(true);
  });
});

describe('series', () => {
  it('double their interval past pointsMax, all together, keeping totals, means and maxima', () => {
    const clock = new SeriesClock(10, 4);
    const level = new LevelSeries(clock);
    const count = new CounterSeries(clock);
    level.set(0, 2);
    count.add(5, 1);
    level.set(35, 5);
    count.add(38, 2);
    level.set(70, 1); // past 4 points of 10: the interval becomes 20, then 40 at t=80+
    count.add(95, 4);
    const occ = level.points(100);
    const counts = count.points(100);
    expect(clock.intervalNs).toBe(40);
    expect(occ.mean.length).toBe(3);
    expect(counts).toEqual([3, 0, 4]);
    // area: 2·35 + 5·35 + 1·30 = 275 = Σ mean·span (40, 40, 20)
    expect(occ.mean[0]! * 40 + occ.mean[1]! * 40 + occ.mean[2]! * 20).toBeCloseTo(275, 9);
    expect(occ.max).toEqual([5, 5, 1]);
  });

  it('a level series coarsened many times keeps the exact integral of each point and maximum (a hand integration of the steps)', () => {
    let x = 7;
    const rnd = (k: number): number => {
      x = (x * 48271) % 2147483647;
      return x % k;
    };
    const clock = new SeriesClock(3, 5);
    const level = new LevelSeries(clock);
    const steps: [number, number][] = [[0, 0]];
    for (let t = 0; t < 2000; ) {
      t += rnd(4) === 0 ? rnd(200) : rnd(3); // bursts in a point, then gaps across points and coarsenings
      const v = rnd(9);
      level.set(t, v);
      steps.push([t, v]);
    }
    const endNs = steps[steps.length - 1]![0] + 5;
    const occ = level.points(endNs);
    const iv = clock.intervalNs;
    occ.mean.forEach((mean, i) => {
      const [lo, hi] = [i * iv, Math.min(endNs, (i + 1) * iv)];
      let area = 0;
      let max = 0;
      steps.forEach(([t, v], k) => {
        const next = k + 1 < steps.length ? steps[k + 1]![0] : endNs;
        const a = Math.max(lo, t);
        const b = Math.min(hi, next);
        if (b > a) area += v * (b - a);
        if ((b > a || (t >= lo && t < hi)) && v > max) max = v;
      });
      expect(mean * (hi - lo)).toBeCloseTo(area, 6);
      expect(occ.max[i]).toBe(max);
    });
  });

  it('a meter given the point of each time once (arriveAt, departAt) has the figures of one that looks it up per call', () => {
    const byCall = meter(2, 4);
    const clock = new SeriesClock(2, 4);
    const byPoint = new QueueMeter('q', clock);
    for (let t = 0, g = 1; t < 400; t += 3, g++) {
      byCall.arrive(t, g, 2);
      byPoint.arriveAt(t, clock.pointOf(t), g, 2);
      if (g % 3 === 0) {
        byCall.depart(t, g - 2, 2);
        byPoint.departAt(t, clock.pointOf(t), g - 2, 2);
      }
    }
    expect(byPoint.result(401)).toEqual(byCall.result(401));
  });

  it('departing through one lookup (departHeldAt, departIfHeldAt, departAt returning what stays) equals heldOf then depart', () => {
    // Keys with several batches (the pool), keys that collide on the direct rows (4096 apart), departures past what a key holds.
    const viaHeld = meter(2, 8);
    const clock = new SeriesClock(2, 8);
    const fused = new QueueMeter('q', clock);
    let x = 11;
    const rnd = (k: number): number => {
      x = (x * 48271) % 2147483647;
      return x % k;
    };
    for (let t = 0; t < 3000; t += 1 + rnd(3)) {
      const key = rnd(6) + 4096 * rnd(3);
      const n = 1 + rnd(3);
      const op = rnd(4);
      if (op === 0 || op === 1) {
        viaHeld.arrive(t, key, n);
        fused.arrive(t, key, n);
      } else if (op === 2) {
        const k = Math.min(n, viaHeld.heldOf(key));
        if (k > 0) viaHeld.depart(t, key, k);
        expect(fused.departHeldAt(t, clock.pointOf(t), key, n)).toBe(k);
      } else {
        const held = viaHeld.heldOf(key) > 0;
        if (held) viaHeld.depart(t, key, n);
        expect(fused.departIfHeldAt(t, clock.pointOf(t), key, n)).toBe(held);
        if (rnd(2) === 0) {
          viaHeld.depart(t, key, 1);
          expect(fused.departAt(t, clock.pointOf(t), key, 1)).toBe(viaHeld.heldOf(key));
        }
      }
      expect(fused.heldOf(key)).toBe(viaHeld.heldOf(key));
    }
    expect(fused.result(3001)).toEqual(viaHeld.result(3001));
  });

  it('refuse a non-positive interval or fewer than 2 points', () => {
    expect(() => new SeriesClock(0, 10)).toThrow(/interval/);
    expect(() => new SeriesClock(10, 1)).toThrow(/pointsMax/);
  });
});
