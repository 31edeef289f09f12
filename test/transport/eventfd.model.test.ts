// Model check of the real EventFd signal/wait handshake for lost wake-ups: a waiter that takes
// signals until it has them all, against one or two signallers. A lost wake-up shows up as the
// waiter parked forever on the counter while it is non-zero and nobody is left to notify it.
// Two planted bugs must be caught: a signaller that reads the waiter count before adding to
// the counter, and a waiter that parks without announcing itself in kWaiters.
import { describe, expect, it } from 'vitest';
import { EventFd, eventFdBytes, kCounter, kWaiters } from '../../src/transport/eventfd.ts';
import { explore, type ModelResult, type ModelSpec, type Proc } from './fixtures/model-check.ts';

/** Bug: looks at kWaiters before adding, so a reader that parks in between is never notified. */
class WaitersFirstEventFd extends EventFd {
  override signal(n = 1): void {
    const waiters = this.atomics.load(this.words, kWaiters);
    this.atomics.add(this.words, kCounter, n);
    if (waiters !== 0) this.atomics.notify(this.words, kCounter, 1);
  }
}

/** Bug: parks without raising kWaiters, so signallers never see a reader to notify. */
class SilentParkEventFd extends EventFd {
  override wait(timeoutMs: number): number {
    for (;;) {
      const taken = this.atomics.exchange(this.words, kCounter, 0);
      if (taken !== 0) return taken;
      this.atomics.wait(this.words, kCounter, 0, timeoutMs);
    }
  }
}

type Variant = 'correct' | 'waiters-first' | 'silent-park';

interface EventFdModel {
  signallers: number;
  signalsEach: number;
  spinIters: number;
  variant: Variant;
  reduction: ModelSpec['reduction'];
}

function eventFdModel(m: EventFdModel): ModelResult {
  const sab = new SharedArrayBuffer(eventFdBytes);
  const total = m.signallers * m.signalsEach;
  const make = (ctx: Parameters<Proc>[0]): EventFd => {
    if (m.variant === 'waiters-first') return new WaitersFirstEventFd(sab, 0, ctx.atomics);
    if (m.variant === 'silent-park') return new SilentParkEventFd(sab, 0, ctx.atomics);
    return new EventFd(sab, 0, ctx.atomics);
  };
  const waiter: Proc = (ctx) => {
    const efd = ctx.setup(() => make(ctx));
    let got = 0;
    while (got < total) {
      const n = efd.wait(Infinity, m.spinIters);
      if (n === 0) throw new Error('wait returned 0 without a timeout');
      got += n;
    }
    return got;
  };
  const signaller: Proc = (ctx) => {
    const efd = ctx.setup(() => make(ctx));
    for (let i = 0; i < m.signalsEach; i++) efd.signal(1);
    return m.signalsEach;
  };
  return explore({
    sab,
    procs: [waiter, ...Array.from({ length: m.signallers }, () => signaller)],
    names: ['waiter', ...Array.from({ length: m.signallers }, (_, i) => `signaller${i}`)],
    maxSteps: 100,
    reduction: m.reduction,
    check: (results, mem) => {
      if (results[0] !== total) return `waiter took ${String(results[0])} signals, want ${total}`;
      if (mem[kCounter] !== 0 || mem[kWaiters] !== 0) return `counter ${mem[kCounter]}, waiters ${mem[kWaiters]} at the end`;
      return undefined;
    },
  });
}

function report(name: string, r: ModelResult): void {
  console.log(`eventfd model [${name}]: ${r.executions} executions, ${r.steps} steps` + `${r.violation ? `, VIOLATION: ${r.violation.message}` : ''}`);
}

describe('EventFd model check: no lost wake-up', () => {
  const configs: [string, EventFdModel][] = [
    ['every interleaving, 1 signaller × 2, no spin', { signallers: 1, signalsEach: 2, spinIters: 0, variant: 'correct', reduction: 'none' }],
    ['every interleaving, 1 signaller × 2, spin 1', { signallers: 1, signalsEach: 2, spinIters: 1, variant: 'correct', reduction: 'none' }],
    ['every interleaving, 2 signallers × 1, spin 1', { signallers: 2, signalsEach: 1, spinIters: 1, variant: 'correct', reduction: 'none' }],
    ['every trace, 1 signaller × 3, no spin', { signallers: 1, signalsEach: 3, spinIters: 0, variant: 'correct', reduction: 'sleep-sets' }],
  ];
  it.each(configs)('%s: every signal is taken and the waiter never sleeps through one', (name, cfg) => {
    const r = eventFdModel(cfg);
    report(name, r);
    expect(r.violation).toBeUndefined();
    expect(r.truncated).toBe(0);
    expect(r.executions).toBeGreaterThan(500);
  });

  // The long one (≈ 5 s): three producers ringing one doorbell, 509 550 traces.
  it('every trace, 3 signallers × 1 (≈ 5 s)', () => {
    const r = eventFdModel({ signallers: 3, signalsEach: 1, spinIters: 0, variant: 'correct', reduction: 'sleep-sets' });
    report('every trace, 3 signallers × 1, no spin', r);
    expect(r.violation).toBeUndefined();
  }, 300_000);

  it.each([['waiters-first'], ['silent-park']] as const)('catches the %s mutant as a lost wake-up', (variant) => {
    const r = eventFdModel({ signallers: 1, signalsEach: 2, spinIters: 0, variant, reduction: 'none' });
    report(`${variant} mutant`, r);
    expect(r.violation?.message).toMatch(/waiter parked forever on word 0 .*lost wake-up/);
  });
});
