// Single-thread behaviour of SabRing: exact capacity, space returning after a drain, depth
// across the 2^32 wrap, batching visibility, layout and argument validation.
import { describe, expect, it } from 'vitest';
import { SabRing, ringBytes, ringHeaderBytes } from '../../src/transport/sab-ring.ts';
import { realAtomics } from '../../src/transport/atomics-like.ts';
import { FaultlineError } from '../../src/util/errors.ts';

function makeRing(capacitySlots: number, slotWords: number, initialCounter = 0): SabRing {
  const sab = new SharedArrayBuffer(ringBytes(capacitySlots, slotWords));
  return new SabRing(sab, 0, capacitySlots, slotWords, realAtomics, { init: true, initialCounter });
}

function send(ring: SabRing, value: number): boolean {
  const offset = ring.tryReserve();
  if (offset < 0) return false;
  ring.slots[offset] = value;
  return true;
}

function drainAll(ring: SabRing, max = Infinity): number[] {
  const got: number[] = [];
  ring.drain(max, (slots, offset) => got.push(slots[offset]!));
  return got;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof FaultlineError ? e.code : `not a FaultlineError: ${String(e)}`;
  }
  return undefined;
}

describe('SabRing, one thread', () => {
  it.each([[1], [2], [8], [64]])('capacity %i accepts exactly that many reservations, then -1', (capacity) => {
    const ring = makeRing(capacity, 2);
    for (let i = 0; i < capacity; i++) expect(ring.tryReserve()).toBeGreaterThanOrEqual(0);
    expect(ring.tryReserve()).toBe(-1);
    expect(ring.publish()).toBe(capacity);
    expect(ring.tryReserve()).toBe(-1);
    expect(ring.depth()).toBe(capacity);
  });

  it('hands out distinct in-range slot offsets in ring order', () => {
    const ring = makeRing(4, 3);
    const offsets = [0, 1, 2, 3].map(() => ring.tryReserve());
    expect(offsets).toEqual([0, 3, 6, 9]);
  });

  it('keeps reserved slots invisible until publish, then delivers them in order', () => {
    const ring = makeRing(8, 1);
    send(ring, 10);
    send(ring, 11);
    expect(drainAll(ring)).toEqual([]);
    expect(ring.reservedCount).toBe(2);
    expect(ring.depth()).toBe(0);
    ring.publish();
    expect(ring.depth()).toBe(2);
    expect(drainAll(ring)).toEqual([10, 11]);
    expect(ring.depth()).toBe(0);
  });

  it('returns space after a drain, and drain respects max', () => {
    const ring = makeRing(4, 1);
    for (let i = 0; i < 4; i++) expect(send(ring, i)).toBe(true);
    expect(send(ring, 99)).toBe(false);
    ring.publish();
    expect(drainAll(ring, 3)).toEqual([0, 1, 2]);
    expect(ring.depth()).toBe(1);
    for (let i = 4; i < 7; i++) expect(send(ring, i)).toBe(true);
    expect(send(ring, 99)).toBe(false);
    ring.publish();
    expect(drainAll(ring)).toEqual([3, 4, 5, 6]);
    expect(drainAll(ring, 0)).toEqual([]);
  });

  it('keeps depth and order right across the 2^32 counter wrap', () => {
    const capacity = 4;
    const ring = makeRing(capacity, 1, -6); // 2^32 − 6 as unsigned
    const header = new Int32Array(ring.slots.buffer, 0, ringHeaderBytes / 4);
    let next = 0;
    let expected = 0;
    // Fill, drain in uneven batches, repeat: counters go −6 … 0 … +10 through the wrap.
    for (let round = 0; round < 4; round++) {
      while (send(ring, next)) next++;
      ring.publish();
      expect(ring.depth()).toBe(capacity);
      const got = drainAll(ring, round % 2 === 0 ? 3 : 4);
      for (const v of got) expect(v).toBe(expected++);
      expect(ring.depth()).toBe(capacity - got.length);
    }
    for (const v of drainAll(ring)) expect(v).toBe(expected++);
    expect(expected).toBe(next);
    expect(ring.depth()).toBe(0);
    const tail = header[16]!;
    expect(tail).toBe((-6 + next) | 0);
    expect(tail).toBeGreaterThan(0); // it did cross the wrap
  });

  it('lets a second SabRing attach to the same region and sees the other side', () => {
    const sab = new SharedArrayBuffer(2 * ringBytes(8, 2));
    const offset = ringBytes(8, 2); // the second ring in the buffer
    const producer = new SabRing(sab, offset, 8, 2, realAtomics, { init: true, initialCounter: 100 });
    const consumer = new SabRing(sab, offset, 8, 2);
    const o = producer.tryReserve();
    producer.slots[o] = 7;
    producer.slots[o + 1] = 8;
    producer.publish();
    const got: number[] = [];
    expect(consumer.drain(8, (s, off) => got.push(s[off]!, s[off + 1]!))).toBe(1);
    expect(got).toEqual([7, 8]);
  });

  it('raises kSpaceWanted only when asked, and the consumer takes it once', () => {
    const ring = makeRing(2, 1);
    send(ring, 1);
    send(ring, 2);
    ring.publish();
    expect(ring.takeSpaceWake()).toBe(false);
    expect(ring.armSpaceWake()).toBe(true); // still full: park
    drainAll(ring, 1);
    expect(ring.takeSpaceWake()).toBe(true);
    expect(ring.takeSpaceWake()).toBe(false);
    expect(ring.armSpaceWake()).toBe(false); // space already there: do not park
  });

  it('refuses to arm the space wake-up with unpublished slots', () => {
    const ring = makeRing(2, 1);
    send(ring, 1);
    send(ring, 2);
    expect(codeOf(() => ring.armSpaceWake())).toBe('FAULTLINE_RING_UNPUBLISHED');
  });

  it('rejects bad shapes and layouts with stable codes', () => {
    const sab = new SharedArrayBuffer(4096);
    expect(codeOf(() => ringBytes(3, 1))).toBe('FAULTLINE_RING_CAPACITY');
    expect(codeOf(() => ringBytes(0, 1))).toBe('FAULTLINE_RING_CAPACITY');
    expect(codeOf(() => ringBytes(2 ** 25, 1))).toBe('FAULTLINE_RING_CAPACITY');
    expect(codeOf(() => ringBytes(4, 0))).toBe('FAULTLINE_RING_SLOT_WORDS');
    expect(codeOf(() => ringBytes(4, 1.5))).toBe('FAULTLINE_RING_SLOT_WORDS');
    expect(codeOf(() => new SabRing(sab, 2, 4, 1, realAtomics, { init: true }))).toBe('FAULTLINE_RING_OFFSET');
    expect(codeOf(() => new SabRing(sab, 4096 - 64, 4, 1, realAtomics, { init: true }))).toBe('FAULTLINE_RING_BOUNDS');
    expect(codeOf(() => new SabRing(sab, 0, 4, 1, realAtomics, { init: true, initialCounter: 2 ** 33 }))).toBe('FAULTLINE_RING_COUNTER');
    expect(codeOf(() => new SabRing(sab, 0, 4, 1))).toBe('FAULTLINE_RING_LAYOUT'); // never initialised
    new SabRing(sab, 0, 4, 1, realAtomics, { init: true });
    expect(codeOf(() => new SabRing(sab, 0, 8, 1))).toBe('FAULTLINE_RING_LAYOUT');
    expect(ringBytes(4, 8) % 64).toBe(0);
  });

  it('reports a corrupt tail instead of reading garbage', () => {
    const ring = makeRing(4, 1);
    const header = new Int32Array(ring.slots.buffer, 0, ringHeaderBytes / 4);
    header[16] = 1000; // tail far beyond head + capacity
    expect(codeOf(() => drainAll(ring))).toBe('FAULTLINE_RING_CORRUPT');
  });
});
