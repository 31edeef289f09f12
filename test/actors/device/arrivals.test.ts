// Open-loop arrival processes on the device tier alone (fake ctx, exact timers): each process's
// count over a long run matches its rate, inter-arrival variability is what the process says
// (CV 1 for Poisson, 0 for constant, > 1 for on/off), per-function streams split over the
// function's spaces, a trace is replayed access for access at its times, and arrivals that find
// no free slot wait in the bounded backlog or are dropped with a reason, never lost.
import { describe, expect, it } from 'vitest';
import type { ArrivalConfig } from '../../../src/config/workload.ts';
import type { Message } from '../../../src/protocol/messages.ts';
import { PF, config, fnCfg, rig, spaceCfg, type Rig } from './support.ts';

/** Deliver timers in time order up to `untilNs`; returns the times device.arrival timers fired. */
function runUntil(r: Rig, untilNs: number, onSent?: (nowNs: number, sent: Message[]) => void): number[] {
  const times: number[] = [];
  for (;;) {
    const next = r.ctx.timers.reduce((m, t) => Math.min(m, t.atNs), Infinity);
    if (next > untilNs) return times;
    r.ctx.nowNs = next;
    for (const m of r.ctx.dueTimers()) {
      if (m.type === 'device.arrival') times.push(next);
      r.step(m);
    }
    const sent = r.out();
    onSent?.(next, sent);
  }
}

function openLoop(arrival: ArrivalConfig, over: { spaces?: number; inFlight?: number; backlogMax?: number; durationNs?: number } = {}): Rig {
  const n = over.spaces ?? 1;
  return rig(
    config({
      functions: [fnCfg(PF, { priAllocation: 64 })],
      spaces: Array.from({ length: n }, (_, i) => spaceCfg(i, PF, i + 1)),
      workload: { arrival, inFlight: over.inFlight ?? 1, backlogMax: over.backlogMax ?? 0, durationNs: over.durationNs ?? 1e12, pattern: { kind: 'uniform' } },
    }),
  );
}

function gapsCv(times: number[]): { mean: number; cv: number } {
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1));
  return { mean, cv: sd / mean };
}

describe('open-loop arrival processes', () => {
  it('poisson: the count over 0.1 s is within 4 standard deviations of rate × time, and the gaps have CV ≈ 1', () => {
    const r = openLoop({ process: 'poisson', ratePerSec: 1e6, per: 'space' });
    const times = runUntil(r, 1e8);
    const expected = 1e6 * 0.1;
    expect(Math.abs(times.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    const { mean, cv } = gapsCv(times);
    expect(mean).toBeCloseTo(1000, -1);
    expect(cv).toBeGreaterThan(0.98);
    expect(cv).toBeLessThan(1.02);
  });

  it('constant: exactly rate × time arrivals, gaps of 1e9 / rate (CV 0 up to rounding to the ns)', () => {
    const r = openLoop({ process: 'constant', ratePerSec: 3e6, per: 'space' });
    const times = runUntil(r, 1e7);
    expect(times.length).toBe(30_000);
    const { mean, cv } = gapsCv(times);
    expect(mean).toBeCloseTo(1e9 / 3e6, 1);
    expect(cv).toBeLessThan(0.002);
  });

  it('onoff: the long-run rate is rate × on / (on + off), and the gaps are burstier than Poisson (CV > 1)', () => {
    const r = openLoop({ process: 'onoff', ratePerSec: 4e6, onMeanNs: 20_000, offMeanNs: 60_000, per: 'space' });
    const times = runUntil(r, 2e8);
    const expected = 4e6 * 0.25 * 0.2;
    // On/off periods of 80 µs over 0.2 s: 2500 cycles, so the count's relative error is a few percent at most.
    expect(Math.abs(times.length - expected) / expected).toBeLessThan(0.05);
    expect(gapsCv(times).cv).toBeGreaterThan(1.5);
  });

  it("per function: one stream at the rate, spread uniformly over the function's spaces", () => {
    const r = openLoop({ process: 'poisson', ratePerSec: 1e6, per: 'function' }, { spaces: 4, inFlight: 1 });
    const pasids: number[] = [];
    const times = runUntil(r, 2e7, (_, sent) => {
      for (const m of sent) if (m.type === 'pci.atsReq') pasids.push(m.pasid);
    });
    expect(Math.abs(times.length - 20_000)).toBeLessThan(4 * Math.sqrt(20_000));
    // Each space's first arrival issues (its only slot never frees: nobody answers); the rest are dropped, counted.
    expect(new Set(pasids)).toEqual(new Set([1, 2, 3, 4]));
    const a = r.s.c.arrivals;
    expect(a.generated).toBe(times.length);
    expect(a.issuedAtOnce + a.backlogged + a.dropped.backlogFull).toBe(a.generated);
    expect(a.dropped.backlogFull).toBe(a.generated - 4);
  });

  it('stops at the end of the run (durationNs) and after accessesMax arrivals', () => {
    const r = openLoop({ process: 'constant', ratePerSec: 1e6, per: 'space' }, { durationNs: 10_500 });
    expect(runUntil(r, 1e9).length).toBe(10);
    const capped = rig(config({ workload: { arrival: { process: 'poisson', ratePerSec: 1e6, per: 'space' }, accessesMax: 7, backlogMax: 0, pattern: { kind: 'uniform' } } }));
    expect(runUntil(capped, 1e9).length).toBe(7);
  });

  it('an arrival with no free slot waits in the backlog, oldest first, and issues when a slot frees', () => {
    const r = openLoop({ process: 'constant', ratePerSec: 1e6, per: 'space' }, { inFlight: 1, backlogMax: 2 });
    const sent: Message[] = [];
    runUntil(r, 4_000, (_, m) => sent.push(...m));
    // t=1000 issues; 2000 and 3000 wait; 4000 is dropped.
    const a = r.s.c.arrivals;
    expect([a.generated, a.issuedAtOnce, a.backlogged, a.dropped.backlogFull]).toEqual([4, 1, 2, 1]);
    const ats = sent.filter((m) => m.type === 'pci.atsReq');
    expect(ats).toHaveLength(1);
    const first = ats[0]!;
    if (first.type !== 'pci.atsReq') throw new Error('unreachable');
    r.step({ type: 'pci.atsCpl', rid: first.rid, pasidPresent: true, pasid: first.pasid, addr: first.addr, tag: first.tag, r: true, w: true, version: 1 });
    // The DMA takes thinkNs (100), then the slot takes the oldest waiting arrival.
    runUntil(r, 4_100, () => {});
    expect(a.issuedFromBacklog).toBe(1);
    expect(r.s.spaces[0]!.backlog).toHaveLength(1);
  });

  it('trace: every row is issued as an access of its space, page and direction, at its time', () => {
    const rows = [
      { timeNs: 500, asid: 0, page: 3, write: false },
      { timeNs: 500, asid: 1, page: 9, write: true },
      { timeNs: 1_250, asid: 0, page: 4, write: true },
      { timeNs: 7_000, asid: 1, page: 0, write: false },
    ];
    const r = openLoop({ process: 'trace', rows }, { spaces: 2, inFlight: 4, backlogMax: 8 });
    const issued: { atNs: number; pasid: number; addr: number; write: boolean }[] = [];
    runUntil(r, 1e9, (nowNs, sent) => {
      for (const m of sent) if (m.type === 'pci.atsReq') issued.push({ atNs: nowNs, pasid: m.pasid, addr: m.addr, write: m.write });
    });
    expect(issued).toEqual([
      { atNs: 500, pasid: 1, addr: 3 * 4096, write: false },
      { atNs: 500, pasid: 2, addr: 9 * 4096, write: true },
      { atNs: 1_250, pasid: 1, addr: 4 * 4096, write: true },
      { atNs: 7_000, pasid: 2, addr: 0, write: false },
    ]);
    expect(r.s.c.arrivals.generated).toBe(4);
  });

  it('trace: rows at or after the end of the run are counted, not replayed', () => {
    const rows = [
      { timeNs: 100, asid: 0, page: 1, write: false },
      { timeNs: 2_000, asid: 0, page: 2, write: false },
      { timeNs: 3_000, asid: 0, page: 3, write: false },
    ];
    const r = openLoop({ process: 'trace', rows }, { inFlight: 4, durationNs: 2_000 });
    runUntil(r, 1e9);
    expect(r.s.c.arrivals.generated).toBe(1);
    expect(r.s.c.arrivals.traceRowsNotReplayed).toBe(2);
  });
});
