// The hop-stamp sampler (src/report/hop-stamps.ts) and the per-hop join (src/report/hops.ts):
// sampling by ghost id, bounded circular memory, plain data, join by ghost and segment math.

import { describe, expect, it } from 'vitest';
import { createHopStamps, stamp, stampsInOrder, type HopStamps } from '../../src/metrics/hop-stamps.ts';
import { collectHopPoints, HOP_SEGMENTS, hopLatencies } from '../../src/report/hops.ts';

function stamps(pairs: [number, number][], sampleEvery = 1): HopStamps {
  const h = createHopStamps(64, sampleEvery);
  for (const [g, ns] of pairs) stamp(h, g, ns);
  return h;
}

describe('hop stamps', () => {
  it('stamps only ghosts that are multiples of sampleEvery (and never ghost 0)', () => {
    const h = createHopStamps(8, 4);
    for (let g = 0; g <= 12; g++) stamp(h, g, g * 10);
    expect(stampsInOrder(h)).toEqual([
      [4, 40],
      [8, 80],
      [12, 120],
    ]);
    expect(h.stamped).toBe(3);
  });

  it('keeps memory bounded: a circular buffer of the most recent samples', () => {
    const h = createHopStamps(4, 1);
    for (let g = 1; g <= 10; g++) stamp(h, g, g * 100);
    expect(h.ghosts).toHaveLength(4);
    expect(h.ns).toHaveLength(4);
    expect(stampsInOrder(h)).toEqual([
      [7, 700],
      [8, 800],
      [9, 900],
      [10, 1000],
    ]);
    expect(h.stamped).toBe(10);
  });

  it('stays flat over a long run with the defaults', () => {
    const h = createHopStamps();
    for (let g = 1; g <= 1_000_000; g++) stamp(h, g, g);
    expect(h.ghosts.length).toBe(2048);
    expect(h.ns.length).toBe(2048);
    expect(h.stamped).toBe(1_000_000 / 16);
    const last = stampsInOrder(h).at(-1)!;
    expect(last).toEqual([1_000_000, 1_000_000]);
  });

  it('is plain data: survives structuredClone and JSON as arrays', () => {
    const h = stamps([
      [1, 5],
      [2, 7],
    ]);
    expect(structuredClone(h)).toEqual(h);
    const j = JSON.parse(JSON.stringify(h)) as HopStamps;
    expect(Array.isArray(j.ghosts) && Array.isArray(j.ns)).toBe(true);
    expect(j).toEqual(h);
  });

  it('rejects a nonsensical capacity or sampling rate', () => {
    expect(() => createHopStamps(0)).toThrow();
    expect(() => createHopStamps(8, 0)).toThrow();
  });
});

describe('per-hop latency', () => {
  // Three groups, each through every point; ghost 3 skips the vmm (never read, e.g. no handler).
  const base: Record<string, [number, number][]> = {
    'dev.sent': [
      [1, 0],
      [2, 100],
      [3, 200],
    ],
    'host.received': [
      [1, 10],
      [2, 120],
      [3, 230],
    ],
    'vmm.read': [
      [1, 30],
      [2, 150],
    ],
    'guest.received': [
      [1, 60],
      [2, 190],
    ],
    'guest.responded': [
      [1, 70],
      [2, 190],
    ],
    'vmm.written': [
      [1, 100],
      [2, 230],
    ],
    'dev.answered': [
      [1, 110],
      [2, 250],
      [3, 260],
    ],
  };
  const points = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, stamps(v)]));

  it('joins by ghost: a segment counts only ghosts stamped at both of its points', () => {
    const byName = Object.fromEntries(hopLatencies(points).map((h) => [h.segment, h]));
    expect(Object.keys(byName)).toEqual(HOP_SEGMENTS.map((s) => s.segment));
    expect(byName['device→host']!.samples).toBe(3);
    expect(byName['host→vmm']!.samples).toBe(2);
    expect(byName.total!.samples).toBe(3);
    // Spans: device→host 10, 20, 30; guest handler 10, 0; vmm→host→device 10, 20; total 110, 150, 60.
    // Quantiles are histogram bucket midpoints (exact for integers below 128 ns, within 1/256 above), clamped to [min, max].
    const near = (v: number, x: number): void => expect(Math.abs(v - x), `${v} ≈ ${x}`).toBeLessThanOrEqual(Math.max(1, x / 256));
    near(byName['device→host']!.p50Ns, 20);
    near(byName['device→host']!.p99Ns, 30);
    expect(byName['guest handler']).toMatchObject({ p50Ns: 0, p99Ns: 10, samples: 2 });
    expect(byName['vmm→host→device']).toMatchObject({ p50Ns: 10, p99Ns: 20 });
    near(byName.total!.p50Ns, 110);
    near(byName.total!.p99Ns, 150);
  });

  it('skips a segment one of whose points is not published', () => {
    const { 'vmm.written': _gone, ...rest } = points;
    const segs = hopLatencies(rest).map((h) => h.segment);
    expect(segs).not.toContain('guest→vmm write');
    expect(segs).not.toContain('vmm→host→device');
    expect(segs).toContain('total');
  });

  it('reports a segment without a common ghost as 0 samples', () => {
    const [seg] = hopLatencies({ a: stamps([[1, 0]]), b: stamps([[2, 5]]) }, [{ segment: 'a→b', from: 'a', to: 'b' }]);
    expect(seg!.samples).toBe(0);
    expect(Number.isNaN(seg!.p50Ns)).toBe(true);
  });

  it('a ghost stamped twice at a point (a write sent again) keeps its latest stamp', () => {
    const [seg] = hopLatencies(
      {
        a: stamps([[1, 0]]),
        b: stamps([
          [1, 5],
          [1, 9],
        ]),
      },
      [{ segment: 'a→b', from: 'a', to: 'b' }],
    );
    expect(seg).toMatchObject({ samples: 1, p50Ns: 9 });
  });

  it("collects the points of every tier's stats().hops", () => {
    const got = collectHopPoints([{ hops: { 'dev.sent': points['dev.sent'] } }, { other: 1 }, { hops: { 'vmm.read': points['vmm.read'] } }]);
    expect(Object.keys(got).sort()).toEqual(['dev.sent', 'vmm.read']);
  });
});
