// The PRQ consumer glue shared by the host IRQ thread and the guest driver: the per-descriptor
// path (dequeue event, bad requests, Stop Markers, report to the IOPF core), page responses on
// the side's channel and message, the partial discard before PRO is cleared, and the side's marks.

import { describe, expect, it } from 'vitest';
import { createOutboxes, type Outboxes } from '../../src/actor/outbox.ts';
import { createIopfCore, type IopfGroup, type NoHandlerResponse, type ReportResult } from '../../src/iopf/core.ts';
import type { IopfFault } from '../../src/iopf/fault.ts';
import { createHopStamps, type HopStamps } from '../../src/metrics/hop-stamps.ts';
import { checkLayer, checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { prgCode, prsBit, vtdReg } from '../../src/protocol/iopf.ts';
import { decodePageGroupResponse, encodePageRequest, type PageRequestFields } from '../../src/protocol/layouts.ts';
import type { Message } from '../../src/protocol/messages.ts';
import { createPrqConsumer, guestPrqRegisters, prqConsumerDescriptor, prqConsumerIrq, prqConsumerReadResult } from '../../src/queues/prq-consumer.ts';
import { PrqDriverGlue, type PrqConsumerSide } from '../../src/queues/prq-consumer-glue.ts';
import { fakeCtx, type FakeCtx } from '../support/fake-ctx.ts';

interface TestState {
  outboxes: Outboxes;
  core: ReturnType<typeof createIopfCore>;
  hops: { responded: HopStamps };
  stats: { stopMarkers: number; malformed: Record<string, number>; badRequestsAnswered: number };
  handled: IopfGroup[];
  reports: string[];
  freed: number[];
}

const marked: PrqConsumerSide = {
  layer: checkLayer.host,
  queue: checkQueue.prq,
  channel: 'up',
  pgResp: 'cmd.pgResp',
  respondedHop: 'responded',
  marks: { stopMarkerDropped: 't.stop', noHandler: 't.noHandler', overflowCleared: 't.cleared', partialsDiscarded: 't.discarded' },
};
const unmarked: PrqConsumerSide = {
  layer: checkLayer.guest,
  queue: checkQueue.vprq,
  channel: 'up',
  pgResp: 'vcmd.pgResp',
  respondedHop: 'responded',
  marks: { stopMarkerDropped: null, noHandler: null, overflowCleared: null, partialsDiscarded: null },
};

const KNOWN_RID = 0x10;
const HANDLED_PASID = 1;

class TestDriver extends PrqDriverGlue<TestState> {
  auto = true;
  findHandler(rid: number, pasidValid: boolean, pasid: number): number | null {
    return rid === KNOWN_RID && pasidValid && pasid === HANDLED_PASID ? 7 : null;
  }
  handle(group: IopfGroup): void {
    this.s.handled.push(group);
  }
  ridKnown(rid: number): boolean {
    return rid === KNOWN_RID;
  }
  protected answerIsAuto(): boolean {
    return this.auto;
  }
  protected override reported(fault: IopfFault, r: ReportResult): void {
    this.s.reports.push(`${fault.ghost}:${r.kind}`);
  }
  protected override partialsDiscarded(freed: number): void {
    this.s.freed.push(freed);
  }
}

function setup(side: PrqConsumerSide, noHandlerResponse: NoHandlerResponse = 'every-request') {
  const ctx = fakeCtx();
  const s: TestState = {
    outboxes: createOutboxes(),
    core: createIopfCore(noHandlerResponse),
    hops: { responded: createHopStamps(8, 1) },
    stats: { stopMarkers: 0, malformed: {}, badRequestsAnswered: 0 },
    handled: [],
    reports: [],
    freed: [],
  };
  return { ctx, s, driver: new TestDriver(s, ctx, side) };
}

const req = (over: Partial<PageRequestFields> = {}): PageRequestFields => ({
  rid: KNOWN_RID,
  pasidPresent: true,
  pasid: HANDLED_PASID,
  exe: false,
  priv: false,
  rd: true,
  wr: false,
  last: true,
  prgi: 3,
  addr: 0x2000,
  ...over,
});
const desc = (ghost: number, over: Partial<PageRequestFields> = {}) => ({ ...encodePageRequest(req(over)), ghost });

function responses(ctx: FakeCtx): Message[] {
  return ctx.sent.filter((x) => x.msg.type === 'cmd.pgResp' || x.msg.type === 'vcmd.pgResp').map((x) => x.msg);
}

describe('PRQ consumer glue', () => {
  it('sends the consumer round on the side channel and reports a batch to the core as one group', () => {
    const { ctx, s, driver } = setup(unmarked);
    const q = createPrqConsumer(8, guestPrqRegisters, false);
    prqConsumerDescriptor(q, desc(1, { last: false, addr: 0x1000 }));
    prqConsumerDescriptor(q, desc(2));
    prqConsumerIrq(q, driver);
    expect(ctx.sent.map((x) => [x.channel, x.msg.type])).toEqual([
      ['up', 'vmmio.write'],
      ['up', 'vmmio.read'],
    ]);
    prqConsumerReadResult(q, vtdReg.PQT, 1, 2, driver);
    expect(ctx.checks.filter((c) => c.type === 'chk.queue')).toEqual([
      { type: 'chk.queue', queue: checkQueue.vprq, op: checkQueueOp.dequeue, ghost: 1, count: 1, reason: checkReason.none },
      { type: 'chk.queue', queue: checkQueue.vprq, op: checkQueueOp.dequeue, ghost: 2, count: 1, reason: checkReason.none },
    ]);
    expect(ctx.checks.filter((c) => c.type === 'chk.reqSeen').map((c) => c.type === 'chk.reqSeen' && [c.layer, c.ghost, c.page, c.last])).toEqual([
      [checkLayer.guest, 1, 1, false],
      [checkLayer.guest, 2, 2, true],
    ]);
    expect(s.reports).toEqual(['1:partial', '2:group']);
    expect(s.handled.map((g) => g.faults.map((f) => f.ghost))).toEqual([[1, 2]]);
    // The PQH write follows the batch on the same channel.
    expect(ctx.sent.at(-2)!.msg).toEqual({ type: 'vmmio.write', reg: vtdReg.PQH, value: 2 });
  });

  it('answers through the core on the side message, with the driver auto flag and the responded hop', () => {
    const { ctx, s, driver } = setup(marked);
    driver.descriptor(desc(4));
    driver.auto = false;
    driver.pageResponse(s.handled[0]!.faults[0]!, 0);
    expect(responses(ctx)).toHaveLength(1);
    const r = responses(ctx)[0]!;
    expect(r.type).toBe('cmd.pgResp');
    expect(decodePageGroupResponse(r as never)).toMatchObject({ rid: KNOWN_RID, pasidPresent: true, pasid: HANDLED_PASID, prgi: 3, code: prgCode.SUCCESS });
    expect(ctx.checks.at(-1)).toEqual({ type: 'chk.respond', layer: checkLayer.host, ghost: 4, code: prgCode.SUCCESS, rid: KNOWN_RID, prgi: 3, auto: false });
    expect(s.hops.responded.ghosts).toEqual([4]);
  });

  it('drops Stop Markers without an answer, marking only where the side has a mark', () => {
    for (const side of [marked, unmarked]) {
      const { ctx, s, driver } = setup(side);
      driver.descriptor(desc(5, { rd: false, wr: false, last: true }));
      expect(s.stats.stopMarkers).toBe(1);
      expect(responses(ctx)).toEqual([]);
      expect([...ctx.marks.keys()]).toEqual(side === marked ? ['t.stop'] : []);
      expect(s.reports).toEqual([]);
    }
  });

  it('retires a malformed non-last request and answers a malformed last one Invalid (auto)', () => {
    const { ctx, s, driver } = setup(unmarked);
    driver.descriptor(desc(6, { rid: 0x99, last: false }));
    driver.descriptor(desc(7, { rid: 0x99 }));
    driver.descriptor(desc(8, { addr: 2 ** 47 }));
    expect(s.stats.malformed).toEqual({ unknownRid: 2, nonCanonical: 1 });
    expect(s.stats.badRequestsAnswered).toBe(2);
    expect(ctx.checks.filter((c) => c.type === 'chk.retire')).toEqual([{ type: 'chk.retire', layer: checkLayer.guest, ghost: 6, reason: checkReason.malformed, requests: 1 }]);
    expect(ctx.checks.filter((c) => c.type === 'chk.respond').map((c) => c.type === 'chk.respond' && [c.ghost, c.code, c.auto])).toEqual([
      [7, prgCode.INVALID, true],
      [8, prgCode.INVALID, true],
    ]);
    expect(responses(ctx).map((m) => m.type)).toEqual(['vcmd.pgResp', 'vcmd.pgResp']);
    expect(s.reports).toEqual([]);
  });

  it('with no handler (mainline, io-pgfault.c err_bad_iopf): every request is answered Invalid, the last one too; the side marks it', () => {
    const { ctx, s, driver } = setup(marked);
    driver.descriptor(desc(9, { pasid: 2, last: false }));
    driver.descriptor(desc(10, { pasid: 2 }));
    expect(ctx.marks.get('t.noHandler')).toBe(2);
    expect(ctx.checks.filter((c) => c.type === 'chk.respond').map((c) => c.type === 'chk.respond' && [c.ghost, c.code, c.auto])).toEqual([
      [9, prgCode.INVALID, true],
      [10, prgCode.INVALID, true],
    ]);
    expect(s.reports).toEqual(['9:noHandler', '10:noHandler']);
  });

  it("with no handler and noHandlerResponse 'last-request' (what a fix would do): a partial is retired, a last request answered Invalid", () => {
    const { ctx, s, driver } = setup(marked, 'last-request');
    driver.descriptor(desc(9, { pasid: 2, last: false }));
    driver.descriptor(desc(10, { pasid: 2 }));
    expect(ctx.marks.get('t.noHandler')).toBe(2);
    expect(ctx.checks.filter((c) => c.type === 'chk.retire').map((c) => c.type === 'chk.retire' && [c.ghost, c.reason])).toEqual([[9, checkReason.noHandler]]);
    expect(ctx.checks.filter((c) => c.type === 'chk.respond').map((c) => c.type === 'chk.respond' && [c.ghost, c.code, c.auto])).toEqual([[10, prgCode.INVALID, true]]);
    expect(s.reports).toEqual(['9:noHandler', '10:noHandler']);
  });

  it('discards partials: each retired, marks by the side, the hook told how many were freed', () => {
    for (const side of [marked, unmarked]) {
      const { ctx, s, driver } = setup(side);
      driver.descriptor(desc(11, { last: false, prgi: 1 }));
      driver.descriptor(desc(12, { last: false, prgi: 2 }));
      driver.discardPartials();
      expect(ctx.checks.filter((c) => c.type === 'chk.retire').map((c) => c.type === 'chk.retire' && [c.layer, c.ghost, c.reason])).toEqual([
        [side.layer, 11, checkReason.discardPartial],
        [side.layer, 12, checkReason.discardPartial],
      ]);
      expect(s.freed).toEqual([2]);
      driver.discardPartials();
      expect(s.freed).toEqual([2, 0]);
      expect(ctx.marks.get('t.cleared')).toBe(side === marked ? 2 : undefined);
      expect(ctx.marks.get('t.discarded')).toBe(side === marked ? 1 : undefined);
    }
  });

  it('keeps register writes and responses in order behind a backlog on the side channel', () => {
    const { ctx, s, driver } = setup(marked);
    ctx.full.add('up');
    driver.send({ type: 'mmio.write', reg: vtdReg.PRS, value: prsBit.PPR });
    driver.descriptor(desc(13, { rid: 0x99 }));
    expect(ctx.sent).toEqual([]);
    expect(s.outboxes.byChannel.up!.map((m) => m.type)).toEqual(['mmio.write', 'cmd.pgResp']);
  });
});
