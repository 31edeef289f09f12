// The guest driver: vPRQ consumption, its fault handler fixing guest.s1 after handlerCostNs,
// and page group responses on the virtual command queue.

import { describe, expect, it } from 'vitest';
import { guestActor } from '../../../actors/guest/guest.actor.ts';
import type { GuestState } from '../../../actors/guest/guest-state.ts';
import { decodePageGroupResponse, encodePageRequest, type PageRequestFields } from '../../../src/protocol/layouts.ts';
import type { Message } from '../../../src/protocol/messages.ts';
import { createPrqProducer, prqEnqueue, prqReadRegister, prqWriteRegister } from '../../../src/queues/prq-producer.ts';
import type { GuestConfig } from '../../../src/config/tier-configs.ts';
import { fakeCtx, type FakeCtx } from '../../support/fake-ctx.ts';

const PAGES = 16;
const cfg: GuestConfig = {
  spaces: [
    { asid: 0, rid: 0x100, pasid: 1, devId: 1, vrid: 0x10, vpasid: 1, mappablePages: 4 },
    { asid: 1, rid: 0x108, pasid: null, devId: 2, vrid: 0x18, vpasid: null, mappablePages: 4 },
  ],
  pagesPerAsid: PAGES,
  vprqEntries: 8,
  handlerCostNs: 1000,
  bugs: [],
};

function setup() {
  const ctx = fakeCtx({ self: 'guest', memories: { 'guest.s1': 2 * PAGES } });
  const s = guestActor.init(cfg, 'guest');
  const vprq = createPrqProducer(cfg.vprqEntries);
  let ghost = 0;
  const inject = (reqs: Partial<PageRequestFields>[]) => {
    for (const r of reqs) {
      const words = encodePageRequest({ rid: 0x10, pasidPresent: true, pasid: 1, exe: false, priv: false, rd: true, wr: false, last: true, prgi: 1, addr: 0, ...r });
      const e = prqEnqueue(vprq, words, 'success');
      if (e.kind === 'queued') guestActor.step(s, { type: 'vprq.desc', ...words, ghost: ++ghost }, ctx);
      if (e.raiseIrq) guestActor.step(s, { type: 'vprq.irq' }, ctx);
    }
    pumpRegs(s, ctx, vprq);
  };
  const advance = (ns: number) => {
    ctx.nowNs += ns;
    for (const t of ctx.dueTimers()) guestActor.step(s, t, ctx);
  };
  const responses = () =>
    ctx
      .take('guest->vmm')
      .filter((m): m is Extract<Message, { type: 'vcmd.pgResp' }> => m.type === 'vcmd.pgResp')
      .map(decodePageGroupResponse);
  return { s, ctx, inject, advance, responses, pte: (asid: number, page: number) => ctx.mem('guest.s1').load(asid * PAGES + page) >>> 0 };
}

function pumpRegs(s: GuestState, ctx: FakeCtx, vprq: ReturnType<typeof createPrqProducer>): void {
  for (;;) {
    const i = ctx.sent.findIndex((x) => x.msg.type === 'vmmio.read' || x.msg.type === 'vmmio.write');
    if (i < 0) return;
    const m = ctx.sent.splice(i, 1)[0]!.msg;
    if (m.type === 'vmmio.read') guestActor.step(s, { type: 'vmmio.readResult', reg: m.reg, tag: m.tag, value: prqReadRegister(vprq, m.reg)! }, ctx);
    else if (m.type === 'vmmio.write') prqWriteRegister(vprq, m.reg, m.value);
  }
}

describe('guest driver', () => {
  it('maps the faulting pages after handlerCostNs and answers Success with the vRID, vPASID and PRGI', () => {
    const g = setup();
    g.inject([
      { prgi: 3, addr: 0x1000, last: false },
      { prgi: 3, addr: 0x2000, wr: true },
    ]);
    expect(g.responses()).toEqual([]);
    expect(guestActor.pending!(g.s)).toBe(1);
    g.advance(999);
    expect(g.responses()).toEqual([]);
    g.advance(1);
    expect(g.responses()).toEqual([{ type: 9, pasidPresent: true, code: 0, rid: 0x10, pasid: 1, prgi: 3 }]);
    expect(g.pte(0, 1)).toBe(0b011 | (1 << 8));
    expect(g.pte(0, 2)).toBe(0b111 | (1 << 8));
    expect(guestActor.pending!(g.s)).toBe(0);
    expect(guestActor.stats!(g.s)).toMatchObject({ groupsHandled: 1, pagesMapped: 2, answered: { success: 1, invalid: 0, failure: 0 }, batches: 1 });
  });

  it('answers Invalid when a page lies beyond the mappable region, stopping at the first error (sticky)', () => {
    const g = setup();
    g.inject([
      { prgi: 4, addr: 0x5000, last: false },
      { prgi: 4, addr: 0x1000 },
    ]);
    g.advance(1000);
    expect(g.responses().map((r) => r.code)).toEqual([1]);
    expect(g.pte(0, 1)).toBe(0);
    expect(g.s.stats.pagesUnmappable).toBe(1);
  });

  it('bumps the PTE version on a permission upgrade and leaves a sufficient PTE alone', () => {
    const g = setup();
    g.inject([{ prgi: 1, addr: 0x1000 }]);
    g.advance(1000);
    g.inject([{ prgi: 2, addr: 0x1000, wr: true }]);
    g.advance(1000);
    g.inject([{ prgi: 3, addr: 0x1000 }]);
    g.advance(1000);
    expect(g.pte(0, 1)).toBe(0b111 | (2 << 8));
    expect(g.s.stats.pagesAlreadyMapped).toBe(1);
    expect(g.responses().map((r) => r.code)).toEqual([0, 0, 0]);
  });

  it('handles RID-only spaces and answers without PASID', () => {
    const g = setup();
    g.inject([{ rid: 0x18, pasidPresent: false, pasid: 0, prgi: 7, addr: 0x3000 }]);
    g.advance(1000);
    expect(g.responses()).toEqual([{ type: 9, pasidPresent: false, code: 0, rid: 0x18, pasid: 0, prgi: 7 }]);
    expect(g.pte(1, 3)).toBe(0b011 | (1 << 8));
  });

  it('answers unknown vRIDs (malformed) and unknown vPASIDs (no handler) Invalid at once', () => {
    const g = setup();
    g.inject([
      { rid: 0x99, prgi: 1 },
      { pasid: 9, prgi: 2 },
    ]);
    expect(g.responses().map((r) => [r.rid, r.pasid, r.prgi, r.code])).toEqual([
      [0x99, 1, 1, 1],
      [0x10, 9, 2, 1],
    ]);
    expect(g.ctx.timers).toEqual([]);
  });

  it('drops Stop Markers', () => {
    const g = setup();
    g.inject([{ rd: false, prgi: 1 }]);
    expect(g.responses()).toEqual([]);
    expect(g.s.stats.stopMarkers).toBe(1);
  });
});

// Regression guard for the guest's machine state per group (issue 9) that times nothing: an
// answered group's state is reset for the next group (guest-driver.ts groupPool), so the states
// made are bounded by the groups handled at once, not by the length of the run.
describe('guest group machines', () => {
  const run = (rounds: number) => {
    const g = setup();
    for (let i = 0; i < rounds; i++) {
      g.inject([
        { prgi: (2 * i) % 512, addr: 0x1000 },
        { prgi: (2 * i + 1) % 512, addr: 0x2000 },
      ]);
      g.advance(1000);
    }
    return g;
  };

  it('makes as many over 400 groups as over 100: two, the groups handled at once', () => {
    const short = run(50);
    const long = run(200);
    expect(long.responses().map((r) => r.code)).toEqual(Array(400).fill(0));
    expect(long.s.stats.groupsHandled).toBe(400);
    expect(long.s.groupPool.made).toBe(short.s.groupPool.made);
    expect(long.s.groupPool.made).toBe(2);
  });
});
