// An eventfd analogue in shared memory: a counter that producers add to and one reader takes,
// and the parking protocol around it. One EventFd is an actor's doorbell: every producer that
// feeds any of the actor's inbound rings signals it after publishing, and the actor parks on it
// when all its rings are empty. Owns the layout below, signal/wait/tryRead and the spin budget.
//
//   byte  word  name      meaning
//   +0    0     kCounter  signals not yet taken by the reader (eventfd's 64-bit count, here 32-bit)
//   +4    1     kWaiters  readers currently parked or about to park on kCounter
//   +8..63      (pad: the doorbell gets its own cache line)
//
// Why no wake-up is lost (SC Dekker; all JS atomics are sequentially consistent):
//   signaller:  S1 add(kCounter, n)      S2 load(kWaiters)  S3 if > 0: notify(kCounter)
//   reader:     R1 add(kWaiters, 1)      R2 wait(kCounter, 0)  (compare-and-sleep is atomic
//                                                              with respect to notify)
//   If S2 precedes R1 in the SC order, then S1 < R1 < R2, so R2 finds kCounter ≠ 0 and does not
//   sleep. Otherwise R1 < S2, so S2 sees the waiter and S3 notifies: if S3 lands before R2 goes to
//   sleep, S1 < S3 < R2 again means R2 sees kCounter ≠ 0; if after, S3 wakes it. Unlike a bare
//   flag (stack-limits §5.1), a signal is never consumed by the wrong sleep: it stays in the
//   counter until the reader takes it, so a stale notify only causes a harmless re-check.
//   (Letting only the first signaller after R1 notify, by exchanging kWaiters to 0, is that
//   bare flag again: a late signaller whose add the reader already took would take a newer R1
//   and notify before its R2. The model check finds it in 31 executions.)
import type { AtomicsLike, WaitResult } from './atomics-like.ts';
import { realAtomics } from './atomics-like.ts';
import type { Wakeup } from './port.ts';
import { fail } from '../util/errors.ts';

export const kCounter = 0;
export const kWaiters = 1;
export const eventFdBytes = 64;

export interface EventFdOptions {
  /** Zero the counter and waiter words; exactly one side does this before the others attach. */
  init?: boolean;
}

export class EventFd implements Wakeup {
  /** Atomics.notify calls this instance's signal() made (a reader had announced itself parked). */
  notifies = 0;
  /** Atomics.wait calls this instance's wait() made (the reader slept, or found a signal at the atomic re-check). */
  parks = 0;
  /** Parks that ended by their timeout with nothing signalled. */
  parkTimeouts = 0;
  protected readonly words: Int32Array;
  protected readonly atomics: AtomicsLike;

  constructor(sab: SharedArrayBuffer, byteOffset: number, atomics: AtomicsLike = realAtomics, options: EventFdOptions = {}) {
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0 || byteOffset + eventFdBytes > sab.byteLength) {
      fail('FAULTLINE_EVENTFD_OFFSET', `eventfd at byteOffset ${byteOffset} must be a multiple of 4 with ${eventFdBytes} bytes inside the ` + `${sab.byteLength}-byte buffer`, {
        byteOffset,
        bufferBytes: sab.byteLength,
      });
    }
    this.words = new Int32Array(sab, byteOffset, 2);
    this.atomics = atomics;
    if (options.init === true) {
      atomics.store(this.words, kCounter, 0);
      atomics.store(this.words, kWaiters, 0);
    }
  }

  /** Add n to the counter; notify only when a reader has announced it may be parked. */
  signal(n = 1): void {
    if (!Number.isInteger(n) || n < 1 || n > 0x3fffffff) {
      fail('FAULTLINE_EVENTFD_SIGNAL', `signal count must be an integer in [1, 2^30), got ${n}`, { n });
    }
    this.atomics.add(this.words, kCounter, n);
    if (this.atomics.load(this.words, kWaiters) !== 0) {
      this.notifies++;
      this.atomics.notify(this.words, kCounter, 1);
    }
  }

  /** Take the counter without parking (0 when nothing was signalled). */
  tryRead(): number {
    return this.atomics.exchange(this.words, kCounter, 0);
  }

  /**
   * Take the counter (reset to 0) and return it. While it is zero: poll it up to spinIters
   * times, then park for up to timeoutMs (Infinity: no limit). Returns 0 only when timeoutMs
   * elapsed (or was 0) with nothing signalled; a stale notify just parks again.
   */
  wait(timeoutMs: number, spinIters = 0): number {
    if (!(timeoutMs >= 0)) {
      fail('FAULTLINE_EVENTFD_TIMEOUT', `timeoutMs must be >= 0 (Infinity allowed), got ${timeoutMs}`, { timeoutMs });
    }
    const a = this.atomics;
    const w = this.words;
    let taken = a.exchange(w, kCounter, 0);
    if (taken !== 0) return taken;
    for (let i = 0; i < spinIters; i++) {
      if (a.load(w, kCounter) !== 0) return a.exchange(w, kCounter, 0);
    }
    if (timeoutMs === 0) return 0;
    const deadlineMs = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    let remainingMs = timeoutMs;
    for (;;) {
      a.add(w, kWaiters, 1);
      // The re-check after announcing ourselves is the reader half of the Dekker pair above;
      // Atomics.wait repeats it atomically, the explicit load just skips the call when set.
      let result: WaitResult = 'not-equal';
      if (a.load(w, kCounter) === 0) {
        this.parks++;
        result = a.wait(w, kCounter, 0, remainingMs);
        if (result === 'timed-out') this.parkTimeouts++;
      }
      a.sub(w, kWaiters, 1);
      taken = a.exchange(w, kCounter, 0);
      if (taken !== 0 || result === 'timed-out') return taken;
      if (deadlineMs !== Infinity) {
        remainingMs = deadlineMs - performance.now();
        if (remainingMs <= 0) return 0;
      }
    }
  }
}

/**
 * Polls to spend before parking, from stack-limits §3.3 (2 vCPUs, wake-up ≈ 45 µs):
 * - runnable threads ≤ cores: ≈ 2 000 polls (tens of µs) — a spinning peer answers in
 *   ≈ 0.3 µs, so spinning turns a 97 µs round trip into 0.6 µs and still sleeps when idle;
 * - slightly oversubscribed (≤ 1.5 threads per core, e.g. 3 on 2): 50 polls, measured equal
 *   to pure blocking or a little better;
 * - more oversubscribed: 0 — every spin steals the core from the thread that would produce
 *   the data (5 threads on 2 cores: spin 2 k halves throughput, busy-polling is ~150× worse).
 */
export function spinBudgetFor(runnableThreads: number, cores: number): number {
  if (!Number.isInteger(runnableThreads) || runnableThreads < 1 || !Number.isInteger(cores) || cores < 1) {
    fail('FAULTLINE_SPIN_ARGS', `runnableThreads and cores must be positive integers, got ${runnableThreads}, ${cores}`, { runnableThreads, cores });
  }
  if (runnableThreads <= cores) return 2000;
  if (runnableThreads * 2 <= cores * 3) return 50;
  return 0;
}
