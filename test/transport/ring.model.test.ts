// Bounded exhaustive model check of the real SabRing code (see fixtures/model-check.ts for how
// straight-line code is interleaved at every shared-memory operation, and what is modelled).
// One producer, one consumer, capacity 2, two-word records; every interleaving is explored and
// each execution must deliver 1..n in order, exactly once, never reading a slot word that was
// not written since it was last read. A mis-ordered producer (publish before writing the slot)
// must be caught by the same checker.
import { describe, expect, it } from 'vitest';
import { SabRing, ringBytes } from '../../src/transport/sab-ring.ts';
import { realAtomics } from '../../src/transport/atomics-like.ts';
import { explore, type Proc, type ModelResult } from './fixtures/model-check.ts';

const capacitySlots = 2;
const slotWords = 2;
const check = (seq: number): number => Math.imul(seq, 0x9e3779b1) ^ 0x5bd1e995;

type Order = 'write-then-publish' | 'publish-then-write';

interface RingModel {
  messages: number;
  publishEvery: number;
  drainMax: number;
  initialCounter: number;
  order: Order;
}

function ringModel(m: RingModel): ModelResult {
  const sab = new SharedArrayBuffer(ringBytes(capacitySlots, slotWords));
  const setupRing = new SabRing(sab, 0, capacitySlots, slotWords, realAtomics, { init: true, initialCounter: m.initialCounter });

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
      if (m.order === 'publish-then-write') ring.publish();
      ctx.write(ring.slots, offset, seq);
      ctx.write(ring.slots, offset + 1, check(seq));
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
        if (sum !== check(seq)) throw new Error(`record ${seq} has checksum ${sum}`);
        got.push(seq);
      });
      if (n === 0) ctx.yieldUntilChange();
    }
    return got;
  };

  return explore({
    sab,
    procs: [producer, consumer],
    names: ['producer', 'consumer'],
    dataWords: setupRing.slots,
    maxSteps: 80,
    check: (results) => {
      const got = results[1] as number[];
      const want = Array.from({ length: m.messages }, (_, i) => i + 1);
      if (got.join() !== want.join()) return `consumer got [${got.join()}], want [${want.join()}]`;
      const depth = setupRing.depth();
      return depth === 0 ? undefined : `depth ${depth} after everything was drained`;
    },
  });
}

const base: RingModel = { messages: 3, publishEvery: 1, drainMax: 2, initialCounter: 0, order: 'write-then-publish' };

describe('SabRing model check (every interleaving, capacity 2)', () => {
  const configs: [string, RingModel][] = [
    ['3 msgs, publish each, drain ≤ 2', base],
    ['3 msgs, publish each, drain ≤ 1', { ...base, drainMax: 1 }],
    ['3 msgs, publish every 2', { ...base, publishEvery: 2 }],
    ['3 msgs, counters crossing 2^32', { ...base, initialCounter: -2 }],
    ['4 msgs, publish every 2, crossing 2^32', { ...base, messages: 4, publishEvery: 2, initialCounter: -1 }],
  ];
  it.each(configs)('%s: FIFO, no loss, no dup, no unwritten read', (_name, cfg) => {
    const r = ringModel(cfg);
    console.log(`ring model [${_name}]: ${r.executions} interleavings, ${r.steps} steps, ${r.truncated} truncated`);
    expect(r.violation).toBeUndefined();
    expect(r.truncated).toBe(0);
    expect(r.executions).toBeGreaterThan(100);
  });

  it('catches a producer that publishes the tail before writing the slot', () => {
    const r = ringModel({ ...base, order: 'publish-then-write' });
    console.log(`ring model [publish-then-write mutant]: violation after ${r.executions} interleavings: ${r.violation?.message}`);
    expect(r.violation?.message).toMatch(/never written|unwritten/);
    expect(r.violation?.trace.length).toBeGreaterThan(0);
  });
});
