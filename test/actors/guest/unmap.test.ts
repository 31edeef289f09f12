// The guest's unmap workload: clear the PTEs of a mapped range, then a PASID-IOTLB and a
// device-TLB invalidation and a wait on the virtual invalidation queue, in that order; the
// wait's completion ends the unmap (latency, chk.invDone per page); ticks stop at durationNs.

import { describe, expect, it } from 'vitest';
import { guestActor } from '../../../actors/guest/guest.actor.ts';
import type { GuestConfig } from '../../../src/config/tier-configs.ts';
import { fakeCtx } from '../../support/fake-ctx.ts';

const PAGES = 16;

function setup(over: Partial<GuestConfig> = {}) {
  const cfg: GuestConfig = {
    spaces: [{ asid: 0, rid: 0x100, pasid: 1, devId: 1, vrid: 0x10, vpasid: 1, mappablePages: 8 }],
    pagesPerAsid: PAGES,
    vprqEntries: 8,
    handlerCostNs: 0,
    unmapEveryNs: 1000,
    unmapPages: 2,
    durationNs: 10_000,
    bugs: [],
    ...over,
  };
  const ctx = fakeCtx({ self: 'guest', memories: { 'guest.s1': cfg.spaces.length * PAGES } });
  const s = guestActor.init(cfg, 'guest');
  const mem = ctx.mem('guest.s1');
  const advance = (ns: number) => {
    ctx.nowNs = ns;
    for (const t of ctx.dueTimers()) guestActor.step(s, t, ctx);
  };
  return { s, ctx, mem, advance, step: (m: Parameters<typeof guestActor.step>[1]) => guestActor.step(s, m, ctx) };
}

/** A present, readable (writable) PTE at `version`. */
const pte = (version: number, write = false) => (1 | 2 | (write ? 4 : 0) | (version << 8)) >>> 0;

describe('guest unmap workload', () => {
  it('clears the PTEs of a mapped range, then sends IOTLB and devTLB invalidations and a wait, in order', () => {
    const g = setup();
    // Only page 5 is mapped, so wherever the random start falls the scan finds it; page 6 (in the
    // 2-page range) is not present and stays as it is, page 7 is outside the range.
    g.mem.store(5, pte(3, true) | 0);
    g.mem.store(6, (9 << 8) | 2);
    g.mem.store(7, 0);
    g.step({ type: 'sys.start' });
    expect(g.ctx.timers).toEqual([{ atNs: 1000, msg: { type: 'guest.unmapTick' } }]);
    g.advance(1000);
    expect(g.ctx.take('guest->vmm')).toEqual([
      { type: 'vcmd.iotlbInv', did: 0, pasidPresent: true, pasid: 1, addr: 5 * 4096, pages: 2 },
      { type: 'vcmd.devtlbInv', rid: 0x10, pasidPresent: true, pasid: 1, addr: 5 * 4096, pages: 2 },
      { type: 'vcmd.wait', tag: 1 },
    ]);
    expect(g.mem.load(5) >>> 0).toBe(4 << 8); // present, R, W off; version 3 → 4
    expect(g.mem.load(6) >>> 0).toBe((9 << 8) | 2);
    expect(g.s.unmap.n).toMatchObject({ unmaps: 1, pagesUnmapped: 1, iotlbInvs: 1, devtlbInvs: 1, waits: 1, waitsCompleted: 0 });
    expect(guestActor.pending!(g.s)).toBe(1);
    expect(g.ctx.timers).toEqual([{ atNs: 2000, msg: { type: 'guest.unmapTick' } }]);
    g.ctx.nowNs = 1700;
    g.step({ type: 'vcmd.waitDone', tag: 1, status: 0 });
    expect(g.s.unmap.n).toMatchObject({ waitsCompleted: 1, waitErrors: 0 });
    expect(g.s.unmap.waitNs.total).toBe(1);
    expect(g.s.unmap.waitNs.max).toBe(700);
    expect(guestActor.pending!(g.s)).toBe(0);
    // The checker learns, per cleared page, that translations older than its new version are gone.
    expect(g.ctx.checks).toEqual([{ type: 'chk.invDone', asid: 0, firstPage: 5, pages: 1, version: 4 }]);
  });

  it('sends nothing when no page of the space is mapped (a miss is counted)', () => {
    const g = setup();
    g.step({ type: 'sys.start' });
    g.advance(1000);
    expect(g.ctx.take('guest->vmm')).toEqual([]);
    expect(g.s.unmap.n).toMatchObject({ unmaps: 0, unmapMisses: 1 });
  });

  it('a wait completed with an error status is counted and tells the checker nothing', () => {
    const g = setup();
    g.mem.store(0, pte(1) | 0);
    g.step({ type: 'sys.start' });
    g.advance(1000);
    g.step({ type: 'vcmd.waitDone', tag: 1, status: 1 });
    expect(g.s.unmap.n).toMatchObject({ waitsCompleted: 1, waitErrors: 1 });
    expect(g.ctx.checks).toEqual([]);
    g.step({ type: 'vcmd.waitDone', tag: 1, status: 0 });
    expect(g.s.unmap.n.unexpectedWaitDone).toBe(1);
  });

  it('ticks every unmapEveryNs until durationNs, and never when unmapEveryNs is 0', () => {
    const g = setup();
    g.step({ type: 'sys.start' });
    for (let t = 1000; t <= 20_000; t += 1000) g.advance(t);
    expect(g.s.unmap.n.unmapMisses).toBe(9); // ticks at 1..9 µs; the one at 10 µs stops
    expect(g.ctx.timers).toEqual([]);
    const off = setup({ unmapEveryNs: 0 });
    off.step({ type: 'sys.start' });
    expect(off.ctx.timers).toEqual([]);
  });
});
