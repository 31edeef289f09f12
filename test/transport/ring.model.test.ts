// Bounded model check of the real SabRing code (fixtures/model-check.ts explains how straight-
// line code is interleaved at every shared-memory operation, and what is modelled). One
// producer, one consumer, capacity 2, two-word records (sequence, checksum). Each execution
// must deliver 1..n in order, exactly once, and the consumer must never read a slot word that
// was not written since it was last read (ghost state, checked at every read). A producer that
// publishes the tail before writing the slot must be caught by the same checker.
import { describe, expect, it } from 'vitest';
import { SabRing, ringBytes } from '../../src/transport/sab-ring.ts';
import { realAtomics } from '../../src/transport/atomics-like.ts';
import { explore, type ModelResult, type ModelSpec, type Proc } from './fixtures/model-check.ts';

const capacitySlots = 2;
const slotWords = 2;
const checksum = (seq: number): number => Math.imul(seq, 0x9e3779b1) ^ 0x5bd1e995;

interface RingModel {
  messages: number;
  publishEvery: number;
  drainMax: number;
  initialCounter: number;
  /** The bug to plant: publish the reserved slot before writing it. */
  publishBeforeWrite: boolean;
  reduction: ModelSpec['reduction'];
}

function ringModel(m: RingModel): ModelResult {
  const sab = new SharedArrayBuffer(ringBytes(capacitySlots, slotWords));
  const observer = new SabRing(sab, 0, capacitySlots, slotWords, realAtomics, { init: true, initialCounter: m.initialCounter });

  const producer: Proc = (ctx) => {
    const ring = ctx.setup(() => new SabRing(sab, 0, capacitySlots, slotWords, ctx.atomics));
    let unpublished = 0;
    for (let seq = 1; seq <= m.messages; seq++) {
      let offset = ring.tryReserve();
      while (offset < 0) {
        ring.publish();
        unpublished = 0;
        ctx.yieldUntilChange();
        offset = ring.tryReserve();
      }
      if (m.publishBeforeWrite) ring.publish();
      ctx.write(ring.slots, offset, seq);
      ctx.write(ring.slots, offset + 1, checksum(seq));
      if (++unpublished === m.publishEvery) {
        ring.publish();
        unpublished = 0;
      }
    }
    ring.publish();
    return m.messages;
  };

  const consumer: Proc = (ctx) => {
    const ring = ctx.setup(() => new SabRing(sab, 0, capacitySlots, slotWords, ctx.atomics));
    const got: number[] = [];
    while (got.length < m.messages) {
      const n = ring.drain(m.drainMax, (slots, offset) => {
        const seq = ctx.read(slots, offset);
        const sum = ctx.read(slots, offset + 1);
        if (sum !== checksum(seq)) throw new Error(`record ${seq} carries checksum ${sum}`);
        got.push(seq);
      });
      if (n === 0) ctx.yieldUntilChange();
    }
    return got;
  };

  const want = Array.from({ length: m.messages }, (_, i) => i + 1).join();
  return explore({
    sab,
    procs: [producer, consumer],
    names: ['producer', 'consumer'],
    dataWords: observer.slots,
    maxSteps: 80,
    reduction: m.reduction,
    check: (results) => {
      const got = (results[1] as number[]).join();
      if (got !== want) return `consumer got [${got}], want [${want}] (loss, duplication or reordering)`;
      const depth = observer.depth();
      return depth === 0 ? undefined : `ring depth ${depth} after everything was drained`;
    },
  });
}

const base: RingModel = {
  messages: 3,
  publishEvery: 1,
  drainMax: 2,
  initialCounter: 0,
  publishBeforeWrite: false,
  reduction: 'none',
};

function report(name: string, r: ModelResult): void {
  console.log(`ring model [${name}]: ${r.executions} executions, ${r.steps} steps, ${r.truncated} truncated` + `${r.violation ? `, VIOLATION: ${r.violation.message}` : ''}`);
}

describe('SabRing model check: one producer, one consumer, capacity 2', () => {
  // 'none': literally every interleaving. 'sleep-sets': every interleaving up to swapping
  // adjacent independent steps (every Mazurkiewicz trace), which makes 3–4 messages affordable.
  const configs: [string, RingModel][] = [
    ['every interleaving, 2 msgs, publish each', { ...base, messages: 2 }],
    ['every interleaving, 3 msgs, publish every 2, counters crossing 2^32', { ...base, publishEvery: 2, initialCounter: -2 }],
    ['every trace, 3 msgs, publish each, drain ≤ 2', { ...base, reduction: 'sleep-sets' }],
    ['every trace, 3 msgs, publish each, drain ≤ 1, counters crossing 2^32', { ...base, drainMax: 1, initialCounter: -1, reduction: 'sleep-sets' }],
    ['every trace, 4 msgs, publish every 2, counters crossing 2^32', { ...base, messages: 4, publishEvery: 2, initialCounter: -3, reduction: 'sleep-sets' }],
  ];
  it.each(configs)('%s: FIFO, no loss, no duplication, no unwritten read', (name, cfg) => {
    const r = ringModel(cfg);
    report(name, r);
    expect(r.violation).toBeUndefined();
    expect(r.truncated).toBe(0);
    expect(r.executions).toBeGreaterThan(500);
  });

  // The long one (≈ 15 s): all 494 830 interleavings of 3 messages published one by one.
  it('every interleaving, 3 msgs, publish each (≈ 15 s)', () => {
    const r = ringModel(base);
    report('every interleaving, 3 msgs, publish each', r);
    expect(r.violation).toBeUndefined();
    expect(r.truncated).toBe(0);
  }, 300_000);

  it.each([['none'], ['sleep-sets']] as const)('catches a producer that publishes before writing the slot (%s)', (reduction) => {
    const r = ringModel({ ...base, publishBeforeWrite: true, reduction });
    report(`publish-before-write mutant, ${reduction}`, r);
    expect(r.violation?.message).toMatch(/consumer read data word \d+ that was (never written|already read)/);
    expect(r.violation?.trace.some((line) => line.startsWith('consumer:'))).toBe(true);
  });
});
