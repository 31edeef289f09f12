import { describe, expect, it } from 'vitest';
import { prsBit, vtdReg } from '../../src/protocol/iopf.ts';
import type { Message } from '../../src/protocol/messages.ts';
import {
  createPrqConsumer,
  guestPrqRegisters,
  hostPrqRegisters,
  prqConsumerDescriptor,
  prqConsumerIrq,
  prqConsumerPending,
  prqConsumerReadResult,
  type PrqConsumerSink,
  type PrqConsumerState,
} from '../../src/queues/prq-consumer.ts';

type Log = (string | Message)[];

function sinkOf(log: Log): PrqConsumerSink {
  return {
    send: (m) => log.push(m),
    descriptor: (d) => log.push(`desc ${d.ghost}`),
    discardPartials: () => log.push('discard'),
  };
}

const desc = (ghost: number) => ({ w0: 1, w1: 0, w2: 4, w3: 0, ghost });

/** Answers the last read in the log with `value`. */
function answerLast(q: PrqConsumerState, log: Log, value: number, sink: PrqConsumerSink): void {
  const r = [...log].reverse().find((m): m is Extract<Message, { type: 'mmio.read' }> => typeof m !== 'string' && m.type === 'mmio.read')!;
  prqConsumerReadResult(q, r.reg, r.tag, value, sink);
}

describe('prq consumer', () => {
  it('on an interrupt clears PPR first, then reads PQT', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    prqConsumerIrq(q, sinkOf(log));
    expect(log).toEqual([
      { type: 'mmio.write', reg: vtdReg.PRS, value: prsBit.PPR },
      { type: 'mmio.read', reg: vtdReg.PQT, tag: 1 },
    ]);
  });

  it('hands head..tail over in order, then writes PQH = tail once, then reads PRS', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    for (const g of [1, 2, 3]) prqConsumerDescriptor(q, desc(g));
    prqConsumerIrq(q, sink);
    log.length = 0;
    prqConsumerReadResult(q, vtdReg.PQT, 1, 3, sink);
    expect(log).toEqual(['desc 1', 'desc 2', 'desc 3', { type: 'mmio.write', reg: vtdReg.PQH, value: 3 }, { type: 'mmio.read', reg: vtdReg.PRS, tag: 2 }]);
    expect(q.head).toBe(3);
  });

  it('keeps descriptors past the PQT value for a later round', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    for (const g of [1, 2, 3]) prqConsumerDescriptor(q, desc(g));
    prqConsumerIrq(q, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 1, 2, sink);
    expect(log.filter((m) => typeof m === 'string')).toEqual(['desc 1', 'desc 2']);
    expect(q.arrived.map((d) => d.ghost)).toEqual([3]);
    expect(prqConsumerPending(q)).toBe(2); // one descriptor + the round waiting for PRS
  });

  it('runs another round after the current one when an interrupt arrived meanwhile', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    prqConsumerDescriptor(q, desc(1));
    prqConsumerIrq(q, sink);
    prqConsumerDescriptor(q, desc(2));
    prqConsumerIrq(q, sink);
    expect(q.stats.irqsDuringRound).toBe(1);
    prqConsumerReadResult(q, vtdReg.PQT, 1, 1, sink);
    log.length = 0;
    prqConsumerReadResult(q, vtdReg.PRS, 2, 0, sink);
    expect(log).toEqual([
      { type: 'mmio.write', reg: vtdReg.PRS, value: prsBit.PPR },
      { type: 'mmio.read', reg: vtdReg.PQT, tag: 3 },
    ]);
    expect(q.phase).toBe('tail');
  });

  it('on PRO with an empty queue re-reads PQH and PQT, discards partials, then clears PRO', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    prqConsumerIrq(q, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 1, 0, sink);
    log.length = 0;
    prqConsumerReadResult(q, vtdReg.PRS, 2, prsBit.PRO, sink);
    expect(log).toEqual([
      { type: 'mmio.read', reg: vtdReg.PQH, tag: 3 },
      { type: 'mmio.read', reg: vtdReg.PQT, tag: 4 },
    ]);
    log.length = 0;
    prqConsumerReadResult(q, vtdReg.PQH, 3, 0, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 4, 0, sink);
    expect(log).toEqual(['discard', { type: 'mmio.write', reg: vtdReg.PRS, value: prsBit.PRO }]);
    expect(q.stats.overflowsCleared).toBe(1);
    expect(q.phase).toBe('idle');
  });

  it('on PRO with a non-empty queue leaves PRO set and keeps partials (R4 fix)', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    prqConsumerIrq(q, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 1, 0, sink);
    prqConsumerReadResult(q, vtdReg.PRS, 2, prsBit.PRO | prsBit.PPR, sink);
    log.length = 0;
    prqConsumerReadResult(q, vtdReg.PQH, 3, 0, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 4, 5, sink);
    expect(log).toEqual([]);
    expect(q.stats.overflowsKeptNotEmpty).toBe(1);
    expect(q.stats.overflowsCleared).toBe(0);
  });

  it('bug clear-pro-early clears PRO right after the batch without re-reading (R4)', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, true);
    const log: Log = [];
    const sink = sinkOf(log);
    prqConsumerIrq(q, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 1, 0, sink);
    log.length = 0;
    prqConsumerReadResult(q, vtdReg.PRS, 2, prsBit.PRO, sink);
    expect(log).toEqual([{ type: 'mmio.write', reg: vtdReg.PRS, value: prsBit.PRO }]);
    expect(q.phase).toBe('idle');
  });

  it('counts and ignores read results it does not wait for', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    prqConsumerIrq(q, sink);
    prqConsumerReadResult(q, vtdReg.PQT, 99, 0, sink);
    prqConsumerReadResult(q, vtdReg.PRS, 1, 0, sink);
    expect(q.stats.readResultsUnexpected).toBe(2);
    expect(q.phase).toBe('tail');
  });

  it('consumes across the end of the ring (tail below head)', () => {
    const q = createPrqConsumer(4, hostPrqRegisters, false);
    const log: Log = [];
    const sink = sinkOf(log);
    q.head = 3;
    prqConsumerDescriptor(q, desc(1));
    prqConsumerDescriptor(q, desc(2));
    prqConsumerIrq(q, sink);
    answerLast(q, log, 1, sink);
    log.splice(0, 2);
    expect(log.slice(0, 3)).toEqual(['desc 1', 'desc 2', { type: 'mmio.write', reg: vtdReg.PQH, value: 1 }]);
  });

  it('uses the vmmio register messages for the guest', () => {
    const q = createPrqConsumer(8, guestPrqRegisters, false);
    const log: Log = [];
    prqConsumerIrq(q, sinkOf(log));
    expect(log).toEqual([
      { type: 'vmmio.write', reg: vtdReg.PRS, value: prsBit.PPR },
      { type: 'vmmio.read', reg: vtdReg.PQT, tag: 1 },
    ]);
  });

  it('refuses a PQT that covers descriptors that never arrived (FIFO contract)', () => {
    const q = createPrqConsumer(8, hostPrqRegisters, false);
    const sink = sinkOf([]);
    prqConsumerIrq(q, sink);
    expect(() => prqConsumerReadResult(q, vtdReg.PQT, 1, 2, sink)).toThrow(/FAULTLINE_PRQ_CONSUMER_FIFO/);
  });
});
