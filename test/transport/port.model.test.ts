// Model check of the whole blocking channel as the threaded runtime uses it: the real SabPort
// over a SabRing, the consumer parked on its EventFd when the ring is empty, the producer parked
// on its own EventFd when the ring is full (kSpaceWanted handshake). Checks FIFO delivery and
// that neither side can be left parked forever. Two planted bugs must deadlock: a consumer that
// never wakes the producer, and a producer that parks without honouring armSpaceWake's re-check.
import { describe, expect, it } from 'vitest';
import type { Codec } from '../../src/transport/codec-types.ts';
import { realAtomics } from '../../src/transport/atomics-like.ts';
import { EventFd, eventFdBytes } from '../../src/transport/eventfd.ts';
import { SabPort } from '../../src/transport/sab-port.ts';
import { SabRing, ringBytes } from '../../src/transport/sab-ring.ts';
import { explore, type ModelResult, type ModelSpec, type Proc, type ProcCtx } from './fixtures/model-check.ts';

type Variant = 'correct' | 'no-space-wake' | 'park-without-recheck';

interface PortModel {
  capacitySlots: number;
  messages: number;
  variant: Variant;
  reduction: ModelSpec['reduction'];
  preemptionBound?: number;
}

function portModel(m: PortModel): ModelResult {
  const ringSize = ringBytes(m.capacitySlots, 1);
  const sab = new SharedArrayBuffer(ringSize + 2 * eventFdBytes);
  const observer = new SabRing(sab, 0, m.capacitySlots, 1, realAtomics, { init: true, initialCounter: -1 });
  // One-word messages; the codec's plain slot accesses are steps of the model.
  const codec = (ctx: ProcCtx): Codec<number> => ({
    slotWords: 1,
    encode: (msg, words, offset) => ctx.write(words, offset, msg),
    decode: (words, offset) => ctx.read(words, offset),
  });
  const attach = (ctx: ProcCtx) => ({
    ring: ctx.setup(() => new SabRing(sab, 0, m.capacitySlots, 1, ctx.atomics)),
    consumerEfd: new EventFd(sab, ringSize, ctx.atomics),
    producerEfd: new EventFd(sab, ringSize + eventFdBytes, ctx.atomics),
  });

  const producer: Proc = (ctx) => {
    const { ring, consumerEfd, producerEfd } = attach(ctx);
    const port = new SabPort(ring, codec(ctx), consumerEfd);
    for (let msg = 1; msg <= m.messages; msg++) {
      while (!port.trySend(msg)) {
        const stillFull = port.wantSpace();
        if (stillFull || m.variant === 'park-without-recheck') producerEfd.wait(Infinity);
      }
      port.flush();
    }
    return m.messages;
  };
  const consumer: Proc = (ctx) => {
    const { ring, consumerEfd, producerEfd } = attach(ctx);
    const port = new SabPort(ring, codec(ctx), consumerEfd, m.variant === 'no-space-wake' ? undefined : producerEfd);
    const got: number[] = [];
    while (got.length < m.messages) {
      if (port.drain(m.capacitySlots, (msg) => got.push(msg)) === 0) consumerEfd.wait(Infinity);
    }
    return got;
  };

  const want = Array.from({ length: m.messages }, (_, i) => i + 1).join();
  return explore({
    sab,
    procs: [producer, consumer],
    names: ['producer', 'consumer'],
    dataWords: observer.slots,
    maxSteps: 200,
    reduction: m.reduction,
    ...(m.preemptionBound === undefined ? {} : { preemptionBound: m.preemptionBound }),
    check: (results) => {
      const got = (results[1] as number[]).join();
      return got === want ? undefined : `consumer got [${got}], want [${want}]`;
    },
  });
}

function report(name: string, r: ModelResult): void {
  console.log(`port model [${name}]: ${r.executions} executions, ${r.steps} steps` + `${r.violation ? `, VIOLATION: ${r.violation.message}` : ''}`);
}

describe('SabPort + EventFd blocking channel model check', () => {
  const configs: [string, PortModel][] = [
    ['every trace, capacity 1, 2 msgs', { capacitySlots: 1, messages: 2, variant: 'correct', reduction: 'sleep-sets' }],
    ['preemption bound 2, capacity 1, 3 msgs', { capacitySlots: 1, messages: 3, variant: 'correct', reduction: 'none', preemptionBound: 2 }],
    ['preemption bound 2, capacity 2, 4 msgs', { capacitySlots: 2, messages: 4, variant: 'correct', reduction: 'none', preemptionBound: 2 }],
  ];
  it.each(configs)('%s: FIFO and no side parked forever', (name, cfg) => {
    const r = portModel(cfg);
    report(name, r);
    expect(r.violation).toBeUndefined();
    expect(r.truncated).toBe(0);
    expect(r.executions).toBeGreaterThan(500);
  });

  it.each([['no-space-wake'], ['park-without-recheck']] as const)('catches the %s mutant as a deadlock', (variant) => {
    const r = portModel({ capacitySlots: 1, messages: 3, variant, reduction: 'none', preemptionBound: 2 });
    report(`${variant} mutant`, r);
    expect(r.violation?.message).toMatch(/^deadlock: producer parked .*consumer parked/);
  });
});
