// Single-thread behaviour of the ring and the ports: the full rule, space returning after a
// drain, depth across the 2^32 wrap, batching (nothing visible before publish), and the same
// Port semantics over shared memory and in memory.
import { describe, expect, it } from 'vitest';
import type { Codec } from '../../src/protocol/codec-types.ts';
import { EventFd, eventFdBytes } from '../../src/transport/eventfd.ts';
import { MemPort } from '../../src/transport/mem-port.ts';
import { SabPort } from '../../src/transport/sab-port.ts';
import { ringBytes, SabRing } from '../../src/transport/sab-ring.ts';

function ring(capacity: number, initialCounter = 0): SabRing {
  const sab = new SharedArrayBuffer(ringBytes(capacity, 2));
  return new SabRing(sab, 0, capacity, 2, undefined, { init: true, initialCounter });
}

describe('SabRing (one thread)', () => {
  it('accepts exactly capacity reservations, then refuses until a drain frees space', () => {
    const r = ring(8);
    for (let i = 0; i < 8; i++) expect(r.tryReserve()).toBeGreaterThanOrEqual(0);
    expect(r.tryReserve()).toBe(-1);
    r.publish();
    expect(r.depth()).toBe(8);
    expect(r.drain(3, () => undefined)).toBe(3);
    expect(r.depth()).toBe(5);
    for (let i = 0; i < 3; i++) expect(r.tryReserve()).toBeGreaterThanOrEqual(0);
    expect(r.tryReserve()).toBe(-1);
  });

  it('makes nothing visible before publish, and everything in order after it', () => {
    const r = ring(4);
    for (const v of [10, 11, 12]) r.slots[r.tryReserve()] = v;
    expect(r.depth()).toBe(0);
    expect(r.drain(10, () => undefined)).toBe(0);
    r.publish();
    const got: number[] = [];
    expect(r.drain(10, (s, at) => got.push(s[at]!))).toBe(3);
    expect(got).toEqual([10, 11, 12]);
  });

  it('keeps FIFO order and the right depth while its counters wrap past 2^32', () => {
    const r = ring(4, -5);
    const got: number[] = [];
    for (let v = 0; v < 40; v++) {
      r.slots[r.tryReserve()] = v;
      r.publish();
      if (v % 3 === 2) {
        expect(r.depth()).toBe(3);
        r.drain(10, (s, at) => got.push(s[at]!));
      }
    }
    r.drain(10, (s, at) => got.push(s[at]!));
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(r.depth()).toBe(0);
  });

  it('rejects a capacity that is not a power of two, with a stable code', () => {
    expect(() => ring(6)).toThrow(/FAULTLINE_RING_CAPACITY/);
  });
});

const pairCodec: Codec<{ tag: number; value: number }> = {
  slotWords: 2,
  encode: (m, w, at) => { w[at] = m.tag; w[at + 1] = m.value; },
  decode: (w, at) => ({ tag: w[at]!, value: w[at + 1]! }),
};

describe('ports', () => {
  it('SabPort and MemPort behave alike: FIFO, full → false, flush makes messages visible', () => {
    const sab = new SharedArrayBuffer(ringBytes(4, 2) + eventFdBytes);
    const consumerFd = new EventFd(sab, ringBytes(4, 2), undefined, { init: true });
    const ports = [
      new SabPort(new SabRing(sab, 0, 4, 2, undefined, { init: true }), pairCodec, consumerFd),
      new MemPort<{ tag: number; value: number }>(4),
    ];
    for (const p of ports) {
      for (let v = 0; v < 4; v++) expect(p.trySend({ tag: 1, value: v })).toBe(true);
      expect(p.trySend({ tag: 1, value: 99 })).toBe(false);
      p.flush();
      const got: number[] = [];
      expect(p.drain(2, (m) => got.push(m.value))).toBe(2);
      expect(p.trySend({ tag: 2, value: 4 })).toBe(true);
      p.flush();
      p.drain(10, (m) => got.push(m.value));
      expect(got).toEqual([0, 1, 2, 3, 4]);
      expect(p.depth()).toBe(0);
    }
    expect(consumerFd.tryRead()).toBeGreaterThan(0);
  });

  it('SabPort refuses a codec wider than the ring slots', () => {
    const sab = new SharedArrayBuffer(ringBytes(4, 1) + eventFdBytes);
    const r = new SabRing(sab, 0, 4, 1, undefined, { init: true });
    expect(() => new SabPort(r, pairCodec, new EventFd(sab, ringBytes(4, 1)))).toThrow(/FAULTLINE_PORT_SLOT_WORDS/);
  });
});
