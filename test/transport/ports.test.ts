// SabPort and MemPort honour the same Port contract: FIFO, bounded (trySend false when full),
// drain bounded by max, flush rings the consumer's doorbell once per batch.
import { describe, expect, it } from 'vitest';
import type { Codec } from '../../src/transport/codec-types.ts';
import type { Port, Wakeup } from '../../src/transport/port.ts';
import { EventFd, eventFdBytes } from '../../src/transport/eventfd.ts';
import { MemPort } from '../../src/transport/mem-port.ts';
import { SabPort } from '../../src/transport/sab-port.ts';
import { SabRing, ringBytes } from '../../src/transport/sab-ring.ts';
import { FaultlineError } from '../../src/util/errors.ts';

type TestMsg = { type: 'ping' | 'pong'; value: number };

/** Two words: a type tag and a value. */
const testCodec: Codec<TestMsg> = {
  slotWords: 2,
  encode(msg, words, offset) {
    words[offset] = msg.type === 'ping' ? 1 : 2;
    words[offset + 1] = msg.value;
  },
  decode(words, offset) {
    return { type: words[offset] === 1 ? 'ping' : 'pong', value: words[offset + 1]! };
  },
};

class CountingWakeup implements Wakeup {
  signals = 0;
  signal(n = 1): void {
    this.signals += n;
  }
  wait(): number {
    const n = this.signals;
    this.signals = 0;
    return n;
  }
}

function makeSabPort(capacity: number, doorbell: Wakeup): SabPort<TestMsg> {
  const sab = new SharedArrayBuffer(ringBytes(capacity, 4));
  return new SabPort(new SabRing(sab, 0, capacity, 4, undefined, { init: true, initialCounter: -3 }), testCodec, doorbell);
}

const drainAll = <M>(port: Port<M>, max = Infinity): M[] => {
  const got: M[] = [];
  port.drain(max, (m) => got.push(m));
  return got;
};

describe.each([
  ['SabPort', (capacity: number, w: Wakeup): Port<TestMsg> => makeSabPort(capacity, w)],
  ['MemPort', (capacity: number, w: Wakeup): Port<TestMsg> => new MemPort<TestMsg>(capacity, w)],
])('%s', (_name, make) => {
  it('round-trips messages in FIFO order and refuses when full', () => {
    const doorbell = new CountingWakeup();
    const port = make(4, doorbell);
    expect(port.capacity).toBe(4);
    const sent: TestMsg[] = [];
    for (let i = 0; i < 4; i++) {
      const msg: TestMsg = { type: i % 2 === 0 ? 'ping' : 'pong', value: i * 1000 - 1 };
      expect(port.trySend(msg)).toBe(true);
      sent.push(msg);
    }
    expect(port.trySend({ type: 'ping', value: 99 })).toBe(false);
    expect(port.depth()).toBe(4);
    port.flush();
    expect(doorbell.signals).toBe(1);
    expect(drainAll(port, 3)).toEqual(sent.slice(0, 3));
    expect(port.trySend({ type: 'pong', value: 5 })).toBe(true);
    port.flush();
    expect(drainAll(port)).toEqual([sent[3], { type: 'pong', value: 5 }]);
    expect(port.depth()).toBe(0);
    expect(drainAll(port)).toEqual([]);
  });

  it('rings the doorbell once per flush that carried something', () => {
    const doorbell = new CountingWakeup();
    const port = make(8, doorbell);
    port.flush();
    expect(doorbell.signals).toBe(0);
    port.trySend({ type: 'ping', value: 1 });
    port.trySend({ type: 'ping', value: 2 });
    port.flush();
    port.flush();
    expect(doorbell.signals).toBe(1);
  });

  it('keeps FIFO over many wraps of the buffer', () => {
    const port = make(4, new CountingWakeup());
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      while (port.trySend({ type: 'ping', value: next })) next++;
      port.flush();
      for (const m of drainAll(port, (round % 4) + 1)) expect(m.value).toBe(expected++);
    }
    for (const m of drainAll(port)) expect(m.value).toBe(expected++);
    expect(expected).toBe(next);
  });
});

describe('SabPort specifics', () => {
  it('keeps sent messages invisible to the consumer until flush', () => {
    const sab = new SharedArrayBuffer(ringBytes(4, 2));
    const producerRing = new SabRing(sab, 0, 4, 2, undefined, { init: true });
    const consumerRing = new SabRing(sab, 0, 4, 2);
    const doorbell = new CountingWakeup();
    const producer = new SabPort(producerRing, testCodec, doorbell);
    const consumer = new SabPort(consumerRing, testCodec, doorbell);
    producer.trySend({ type: 'pong', value: 42 });
    expect(drainAll(consumer)).toEqual([]);
    producer.flush();
    expect(drainAll(consumer)).toEqual([{ type: 'pong', value: 42 }]);
  });

  it('wakes a producer that wanted space, once, after the consumer frees a slot', () => {
    const sab = new SharedArrayBuffer(ringBytes(2, 2) + 2 * eventFdBytes);
    const ring = new SabRing(sab, 0, 2, 2, undefined, { init: true });
    const consumerEfd = new EventFd(sab, ringBytes(2, 2), undefined, { init: true });
    const producerEfd = new EventFd(sab, ringBytes(2, 2) + eventFdBytes, undefined, { init: true });
    const producer = new SabPort(ring, testCodec, consumerEfd);
    const consumer = new SabPort(new SabRing(sab, 0, 2, 2), testCodec, consumerEfd, producerEfd);
    producer.trySend({ type: 'ping', value: 1 });
    producer.trySend({ type: 'ping', value: 2 });
    expect(producer.trySend({ type: 'ping', value: 3 })).toBe(false);
    expect(producer.wantSpace()).toBe(true); // flushed, still full: would park
    expect(consumerEfd.tryRead()).toBe(1);
    expect(drainAll(consumer, 1)).toEqual([{ type: 'ping', value: 1 }]);
    expect(producerEfd.tryRead()).toBe(1);
    drainAll(consumer);
    expect(producerEfd.tryRead()).toBe(0);
  });

  it('rejects a codec wider than the ring slots', () => {
    const sab = new SharedArrayBuffer(ringBytes(4, 1));
    const ring = new SabRing(sab, 0, 4, 1, undefined, { init: true });
    let code: string | undefined;
    try {
      new SabPort(ring, testCodec, new CountingWakeup());
    } catch (e) {
      code = (e as FaultlineError).code;
    }
    expect(code).toBe('FAULTLINE_PORT_SLOT_WORDS');
  });
});

describe('MemPort specifics', () => {
  it('counts flushes and signals, and rejects a bad capacity', () => {
    const port = new MemPort<number>(2);
    port.flush();
    port.trySend(1);
    port.flush();
    expect(port.flushCount).toBe(2);
    expect(port.signalCount).toBe(1);
    expect(() => new MemPort<number>(0)).toThrow(FaultlineError);
  });
});
