// EventFd ping-pong between two real threads with random pauses on both sides, so each signal
// lands at a random point of the peer's wait (before it, while it spins, while it announces
// itself, while it is parked). No wait may time out and every exchange must see its echo.
import { describe, expect, it } from 'vitest';
import { eventFdBytes } from '../../src/transport/eventfd.ts';
import { runWorkers } from './fixtures/run-workers.ts';
import type { PingPongConfig, PingPongReport } from './fixtures/pingpong.worker.ts';

const workerUrl = new URL('./fixtures/pingpong.worker.ts', import.meta.url);

async function pingPong(exchanges: number, spinChoices: number[], seed: number, jitter?: PingPongConfig['jitter']): Promise<void> {
  const sab = new SharedArrayBuffer(2 * eventFdBytes + 64);
  const base: Omit<PingPongConfig, 'role' | 'seed'> = { sab, exchanges, spinChoices, waitTimeoutMs: 2000, ...(jitter ? { jitter } : {}) };
  const t0 = performance.now();
  const reports = await runWorkers<PingPongReport>(workerUrl, [
    { ...base, role: 'pong', seed: seed * 2 + 1 },
    { ...base, role: 'ping', seed: seed * 2 + 2 },
  ]);
  const [pong, ping] = reports as [PingPongReport, PingPongReport];
  console.log(
    `ping-pong ${exchanges} exchanges, spins [${spinChoices.join(',')}]${jitter ? ', jittered atomics' : ''}: ping ${ping.elapsedMs.toFixed(0)} ms ` +
      `(${((ping.elapsedMs / exchanges) * 1000).toFixed(1)} µs per exchange incl. pauses), wall ${(performance.now() - t0).toFixed(0)} ms`,
  );
  for (const r of reports) {
    expect(r.firstAnomaly, r.role).toBe('');
    expect(r.timeouts, r.role).toBe(0);
    expect(r.exchanges, r.role).toBe(exchanges);
  }
}

describe('EventFd across two threads', () => {
  it('ping-pongs 20 000 times with random pauses and pure parking, losing no wake-up', async () => {
    await pingPong(20_000, [0], 7);
  });

  it('ping-pongs 20 000 times with random pauses and random spin budgets, losing no wake-up', async () => {
    await pingPong(20_000, [0, 1, 50, 2000], 11);
  });

  // Random 0–20 µs stalls after 20 % of atomic ops widen every handshake window; with this,
  // a signaller that reads kWaiters before adding (checked by hand) loses a wake-up within a
  // few hundred exchanges, which plain timing almost never shows.
  it('ping-pongs 10 000 times through jittered atomics, losing no wake-up', async () => {
    await pingPong(10_000, [0, 50], 13, { probability: 0.2, maxDelayUs: 20 });
  });
});
