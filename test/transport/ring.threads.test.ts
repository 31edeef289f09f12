// The SPSC ring and the eventfd across two real threads: millions of checked records with no
// loss, duplication or reordering (also across the 2^32 counter wrap), and a long eventfd
// ping-pong with random pauses and no lost wake-up. Waits time out, so a lost wake-up fails
// the test instead of hanging it.
import { describe, expect, it } from 'vitest';
import { spawnWorker } from '../../src/runtime/spawn-worker.ts';
import { eventFdBytes, EventFd } from '../../src/transport/eventfd.ts';
import { ringBytes, SabRing } from '../../src/transport/sab-ring.ts';

const workerUrl = new URL('../fixtures/transport.worker.ts', import.meta.url);

function layout(capacity: number): { sab: SharedArrayBuffer; ringOffset: number; consumerFdOffset: number; producerFdOffset: number } {
  const ring = ringBytes(capacity, 2);
  const sab = new SharedArrayBuffer(ring + 2 * eventFdBytes);
  return { sab, ringOffset: 0, consumerFdOffset: ring, producerFdOffset: ring + eventFdBytes };
}

function runWorker(data: object): Promise<Record<string, unknown>> {
  const w = spawnWorker(workerUrl, data);
  return new Promise((resolve, reject) => {
    w.once('message', (m: Record<string, unknown>) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

async function transfer(records: number, capacity: number, initialCounter: number, batch: number): Promise<void> {
  const l = layout(capacity);
  new SabRing(l.sab, l.ringOffset, capacity, 2, undefined, { init: true, initialCounter });
  new EventFd(l.sab, l.consumerFdOffset, undefined, { init: true });
  new EventFd(l.sab, l.producerFdOffset, undefined, { init: true });
  const job = { ...l, capacity, records, batch, rounds: 0, seed: 0 };
  const [consumer, producer] = await Promise.all([runWorker({ ...job, role: 'consumer' }), runWorker({ ...job, role: 'producer' })]);
  expect(producer.error).toBeUndefined();
  expect(consumer.error).toBeUndefined();
  expect(consumer.received).toBe(records);
  expect(consumer.depthAtEnd).toBe(0);
}

describe('SabRing between two threads', () => {
  it('carries 10 million checked records with no loss, duplication or reordering', async () => {
    await transfer(10_000_000, 4096, 0, 32);
  });

  it('does the same with small rings that fill all the time, and with counters crossing 2^32', async () => {
    await transfer(2_000_000, 64, -1_000_000 >>> 0 | 0, 8);
    await transfer(300_000, 4, -3, 1);
  });
});

describe('EventFd between two threads', () => {
  it('survives a long ping-pong with random pauses on both sides without a lost wake-up', async () => {
    const l = layout(1);
    const job = { ...l, capacity: 1, records: 0, batch: 0, rounds: 30_000 };
    const [ping, pong] = await Promise.all([runWorker({ ...job, role: 'ping', seed: 7 }), runWorker({ ...job, role: 'pong', seed: 9 })]);
    expect(ping).toEqual({ rounds: 30_000 });
    expect(pong).toEqual({ rounds: 30_000 });
  });
});
