// The PRQ producer glue shared by the IOMMU and the VMM: check events, descriptors and
// interrupts on the side's channel in order, the drop marks, and the register accesses.

import { describe, expect, it } from 'vitest';
import { createOutboxes } from '../../src/actor/outbox.ts';
import { checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { prgCode, prsBit, vtdReg } from '../../src/protocol/iopf.ts';
import { encodePageRequest, type PageRequestFields } from '../../src/protocol/layouts.ts';
import { createPrqProducer } from '../../src/queues/prq-producer.ts';
import { prqDescMessage, producePageRequest, producerRegisterRead, producerRegisterWrite, type PrqProducerSide } from '../../src/queues/prq-producer-glue.ts';
import { fakeCtx } from '../support/fake-ctx.ts';

const side: PrqProducerSide = {
  queue: checkQueue.vprq,
  channel: 'down',
  desc: 'vprq.desc',
  irq: 'vprq.irq',
  readResult: 'vmmio.readResult',
  marks: { full: 't.full', overflow: 't.overflow', badRegisterWrite: 't.badWrite' },
};

const fields = (over: Partial<PageRequestFields> = {}): PageRequestFields => ({
  rid: 0x10,
  pasidPresent: true,
  pasid: 1,
  exe: false,
  priv: false,
  rd: true,
  wr: false,
  last: false,
  prgi: 1,
  addr: 0,
  ...over,
});
const words = (over: Partial<PageRequestFields> = {}) => encodePageRequest(fields(over));
const desc = (ghost: number, over: Partial<PageRequestFields> = {}) => prqDescMessage(side, fields(over), ghost);

function setup(entries = 4) {
  return { q: createPrqProducer(entries), ctx: fakeCtx(), out: createOutboxes() };
}

describe('PRQ producer glue', () => {
  it('queues: an enqueue event and the descriptor with its ghost, the interrupt only when the producer raises one', () => {
    const { q, ctx, out } = setup();
    expect(producePageRequest(q, side, out, ctx, desc(1), 'none')).toEqual({ kind: 'queued', slot: 0, raiseIrq: true });
    expect(producePageRequest(q, side, out, ctx, desc(2), 'none')).toEqual({ kind: 'queued', slot: 1, raiseIrq: false });
    expect(ctx.sent.map((x) => [x.channel, x.msg.type, 'ghost' in x.msg ? x.msg.ghost : null])).toEqual([
      ['down', 'vprq.desc', 1],
      ['down', 'vprq.irq', null],
      ['down', 'vprq.desc', 2],
    ]);
    expect(ctx.sent[0]!.msg).toEqual({ type: 'vprq.desc', ...words(), ghost: 1 });
    expect(ctx.checks).toEqual([
      { type: 'chk.queue', queue: checkQueue.vprq, op: checkQueueOp.enqueue, ghost: 1, count: 1, reason: checkReason.none },
      { type: 'chk.queue', queue: checkQueue.vprq, op: checkQueueOp.enqueue, ghost: 2, count: 1, reason: checkReason.none },
    ]);
    expect(ctx.marks.size).toBe(0);
  });

  it('drops on a full queue, then while PRO is set: marks, drop events, the PRO interrupt, the policy auto-response', () => {
    const { q, ctx, out } = setup(2);
    producePageRequest(q, side, out, ctx, desc(1), 'success');
    producerRegisterWrite(q, side, ctx, vtdReg.PRS, prsBit.PPR);
    ctx.take();
    ctx.checks.length = 0;
    const full = producePageRequest(q, side, out, ctx, desc(2, { last: true }), 'success');
    expect(full).toMatchObject({ kind: 'dropped', reason: 'full', autoResponseCode: prgCode.SUCCESS, raiseIrq: true });
    const over = producePageRequest(q, side, out, ctx, desc(3, { last: true }), 'invalid');
    expect(over).toMatchObject({ kind: 'dropped', reason: 'overflow', autoResponseCode: prgCode.INVALID, raiseIrq: false });
    expect([...ctx.marks]).toEqual([
      ['t.full', 1],
      ['t.overflow', 1],
    ]);
    expect(ctx.checks.map((c) => c.type === 'chk.queue' && [c.op, c.ghost, c.reason])).toEqual([
      [checkQueueOp.drop, 2, checkReason.overflow],
      [checkQueueOp.drop, 3, checkReason.overflow],
    ]);
    expect(ctx.take().map((m) => m.type)).toEqual(['vprq.irq']);
  });

  it('keeps descriptors, interrupts and register answers in order behind a backlog', () => {
    const { q, ctx, out } = setup();
    ctx.full.add('down');
    producePageRequest(q, side, out, ctx, desc(1), 'none');
    expect(producerRegisterRead(q, side, out, ctx, vtdReg.PQT, 9)).toBe(1);
    ctx.full.clear();
    producePageRequest(q, side, out, ctx, desc(2), 'none');
    expect(ctx.sent).toEqual([]);
    expect(out.byChannel.down!.map((m) => m.type)).toEqual(['vprq.desc', 'vprq.irq', 'vmmio.readResult', 'vprq.desc']);
    expect(out.byChannel.down![2]).toEqual({ type: 'vmmio.readResult', reg: vtdReg.PQT, tag: 9, value: 1 });
  });

  it('marks refused register writes and answers unknown registers 0', () => {
    const { q, ctx, out } = setup();
    expect(producerRegisterWrite(q, side, ctx, vtdReg.PQH, 1)).toBe('ok');
    expect(ctx.marks.size).toBe(0);
    expect(producerRegisterWrite(q, side, ctx, vtdReg.PQT, 1)).toBe('readOnly');
    expect(producerRegisterWrite(q, side, ctx, 0x123, 1)).toBe('unknownRegister');
    expect(ctx.marks.get('t.badWrite')).toBe(2);
    expect(producerRegisterRead(q, side, out, ctx, 0x123, 4)).toBeNull();
    expect(ctx.take()).toEqual([{ type: 'vmmio.readResult', reg: 0x123, tag: 4, value: 0 }]);
  });
});
