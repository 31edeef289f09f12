import { describe, expect, it } from 'vitest';
import { chainTopology } from '../../actors/chain/chain-topology.ts';
import { liveWorkerCount } from '../../src/runtime/spawn-worker.ts';
import { runThreaded } from '../../src/runtime/threads/threaded-runtime.ts';
import { threadCpu } from '../../src/runtime/threads/thread-cpu.ts';
import { FaultlineError } from '../../src/util/errors.ts';
import { throwerTopology } from '../fixtures/thrower-topology.ts';

describe('threaded runtime', () => {
  it('runs the five-stage chain on five real workers: every request answered, all channels empty', async () => {
    const r = await runThreaded(chainTopology({ requests: 50_000, window: 64, capacity: 256 }));
    expect(r.workers).toBe(5);
    expect(r.stopReason).toBe('quiescent');
    const source = r.actors.find((a) => a.name === 'device')!.stats as { completed: number; issued: number };
    expect(source.completed).toBe(50_000);
    expect(r.actors.map((a) => a.pending)).toEqual([0, 0, 0, 0, 0]);
    for (const c of r.channels) {
      expect(c.sent).toBe(50_000);
      expect(c.depth).toBe(0);
    }
    expect(liveWorkerCount()).toBe(0);
    // The transport's counts: every message taken exactly once; a notify only inside a doorbell
    // signal (no ring filled up here, so no space wake-ups).
    const t = r.transport;
    expect(t.perWorker).toHaveLength(5);
    expect(t.messagesIn).toBe(r.channels.reduce((n, c) => n + c.sent, 0));
    expect(t.perWorker.reduce((n, w) => n + w.notifies, 0)).toBe(t.notifies);
    for (const w of t.perWorker) {
      expect(w.notifies).toBeLessThanOrEqual(w.signals);
      // One doorbell per outbound ring a busy pass published to (a chain stage has two).
      expect(w.signals).toBeLessThanOrEqual(2 * w.busyPasses);
      expect(w.busyPasses).toBeLessThanOrEqual(w.passes);
      expect(w.parkTimeouts).toBeLessThanOrEqual(w.parks);
    }
    expect(t.polls).toBeGreaterThan(0);
    if (threadCpu() !== null) expect(t.orchestratorCpuNs).toBeGreaterThan(0);
    if (threadCpu() !== null) for (const w of t.perWorker) expect(w.threadCpuNs).toBeGreaterThan(0);
  });

  // Regression (found measuring pollMs 20 against 5): idle workers wake every maxParkMs by their
  // park's timeout; when those wake-ups counted as activity, a poll period longer than the
  // workers' park timeout never saw two quiet looks in a row, and a finished run went on until
  // its time limit (or, at pollMs 20, took up to 33 s and once reported a stall).
  it('sees a finished run as quiescent whatever the poll period: a park that timed out with nothing signalled is not activity', async () => {
    const r = await runThreaded(chainTopology({ requests: 1_000, window: 8 }), { pollMs: 30, maxParkMs: 5, timeLimitMs: 5_000 });
    expect(r.stopReason).toBe('quiescent');
    expect((r.actors[0]!.stats as { completed: number }).completed).toBe(1_000);
    // The workers did wake by timeout while the orchestrator looked (else this test shows nothing).
    expect(r.transport.parkTimeouts).toBeGreaterThan(r.transport.perWorker.length);
  });

  it('co-locates actors when asked, and survives tiny rings through back-pressure', async () => {
    const r = await runThreaded(chainTopology({ requests: 20_000, window: 128, capacity: 4, workers: 2 }));
    expect(r.workers).toBe(2);
    expect((r.actors[0]!.stats as { completed: number }).completed).toBe(20_000);
    expect(r.channels.some((c) => c.refused > 0)).toBe(true);
    expect(liveWorkerCount()).toBe(0);
  });

  it('stops the run with the actor name and stack when a worker throws, leaving no worker', async () => {
    const err = await runThreaded(throwerTopology('throw')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaultlineError);
    expect((err as FaultlineError).code).toBe('FAULTLINE_ACTOR_FAILED');
    expect((err as Error).message).toMatch(/actor 'thrower' threw: .*FAULTLINE_TEST_BOOM/);
    expect((err as Error).stack).toMatch(/thrower\.actor\.ts/);
    expect(liveWorkerCount()).toBe(0);
  });

  it('reports channel depths and actor states instead of hanging when nothing progresses', async () => {
    const err = await runThreaded(throwerTopology('spin'), { stallMs: 400 }).catch((e: unknown) => e);
    expect((err as FaultlineError).code).toBe('FAULTLINE_STALL');
    expect((err as Error).message).toMatch(/device->thrower: \d+\/8/);
    expect((err as Error).message).toMatch(/thrower: unresponsive/);
    expect((err as Error).message).toMatch(/device \(chain-stage\) pending=/);
    expect(liveWorkerCount()).toBe(0);
  });

  it("stops every worker and rejects with FAULTLINE_INTERRUPTED when the caller's signal aborts", async () => {
    const stop = new AbortController();
    const run = runThreaded(chainTopology({ requests: 0, window: 8 }), { signal: stop.signal });
    setTimeout(() => stop.abort('SIGTERM'), 1000);
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaultlineError);
    expect((err as FaultlineError).code).toBe('FAULTLINE_INTERRUPTED');
    expect((err as Error).message).toMatch(/interrupted \(SIGTERM\); every worker was stopped/);
    expect(liveWorkerCount()).toBe(0);
  });

  it('starts no worker when the signal has already aborted', async () => {
    const err = await runThreaded(chainTopology({ requests: 0, window: 8 }), { signal: AbortSignal.abort('stopped by the caller') }).catch((e: unknown) => e);
    expect((err as FaultlineError).code).toBe('FAULTLINE_INTERRUPTED');
    expect((err as Error).message).toMatch(/stopped by the caller/);
    expect(liveWorkerCount()).toBe(0);
  });

  it('is stopped by its time limit when the workload never ends', async () => {
    const r = await runThreaded(chainTopology({ requests: 0, window: 8 }), { timeLimitMs: 300 });
    expect(r.stopReason).toBe('time-limit');
    expect((r.actors[0]!.stats as { completed: number }).completed).toBeGreaterThan(0);
    expect(liveWorkerCount()).toBe(0);
  });
});
