// Single-thread behaviour of EventFd and the spin budget rule.
import { describe, expect, it } from 'vitest';
import { EventFd, eventFdBytes, kCounter, kWaiters, spinBudgetFor } from '../../src/transport/eventfd.ts';
import { FaultlineError } from '../../src/util/errors.ts';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof FaultlineError ? e.code : String(e);
  }
  return undefined;
};

describe('EventFd, one thread', () => {
  it('accumulates signals and hands them over all at once', () => {
    const efd = new EventFd(new SharedArrayBuffer(eventFdBytes), 0, undefined, { init: true });
    expect(efd.tryRead()).toBe(0);
    efd.signal();
    efd.signal(3);
    expect(efd.wait(0)).toBe(4);
    expect(efd.tryRead()).toBe(0);
    efd.signal(2);
    expect(efd.wait(1000, 10)).toBe(2); // already set: no parking
  });

  it('returns 0 after the timeout when nothing is signalled, leaving no waiter behind', () => {
    const sab = new SharedArrayBuffer(eventFdBytes);
    const efd = new EventFd(sab, 0);
    const t0 = performance.now();
    expect(efd.wait(20, 100)).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    const words = new Int32Array(sab);
    expect(words[kWaiters]).toBe(0);
    expect(words[kCounter]).toBe(0);
  });

  it('rejects bad arguments with stable codes', () => {
    const efd = new EventFd(new SharedArrayBuffer(eventFdBytes), 0);
    expect(codeOf(() => efd.signal(0))).toBe('FAULTLINE_EVENTFD_SIGNAL');
    expect(codeOf(() => efd.signal(1.5))).toBe('FAULTLINE_EVENTFD_SIGNAL');
    expect(codeOf(() => efd.wait(-1))).toBe('FAULTLINE_EVENTFD_TIMEOUT');
    expect(codeOf(() => efd.wait(Number.NaN))).toBe('FAULTLINE_EVENTFD_TIMEOUT');
    expect(codeOf(() => new EventFd(new SharedArrayBuffer(eventFdBytes), 4))).toBe('FAULTLINE_EVENTFD_OFFSET');
  });
});

describe('spinBudgetFor', () => {
  it('spins ~2000 polls when threads fit the cores, little or none when oversubscribed', () => {
    expect(spinBudgetFor(1, 2)).toBe(2000);
    expect(spinBudgetFor(2, 2)).toBe(2000);
    expect(spinBudgetFor(3, 2)).toBe(50);
    expect(spinBudgetFor(5, 2)).toBe(0);
    expect(spinBudgetFor(7, 2)).toBe(0);
    expect(spinBudgetFor(4, 8)).toBe(2000);
    expect(codeOf(() => spinBudgetFor(0, 2))).toBe('FAULTLINE_SPIN_ARGS');
  });
});
