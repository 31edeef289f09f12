// The shared ActorCtx (src/actor/ctx.ts): what it does the same way over every backend.

import { describe, expect, it } from 'vitest';
import { createActorCtx, type CtxBackend } from '../../src/actor/ctx.ts';
import type { ActorCtx } from '../../src/actor/define.ts';
import type { Message } from '../../src/protocol/messages.ts';
import { plainMemView } from '../../src/runtime/mem-view.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';
import { FaultlineError } from '../../src/util/errors.ts';

function backend(over: Partial<CtxBackend> = {}): CtxBackend & { timers: { atNs: number; msg: Message }[] } {
  const timers: { atNs: number; msg: Message }[] = [];
  return {
    timers,
    rngSeed: 7,
    rngStream: 3,
    marks: new Map(),
    memories: new Map([['ram', plainMemView('ram', new Int32Array(4))]]),
    send: () => true,
    now: () => 500,
    check: () => undefined,
    timerAt: (atNs, msg) => timers.push({ atNs, msg }),
    ...over,
  };
}

const thrown = (fn: () => unknown): FaultlineError => {
  try {
    fn();
  } catch (err) {
    return err as FaultlineError;
  }
  throw new Error('did not throw');
};

describe('createActorCtx', () => {
  it('assert and fail throw the same FaultlineError naming the actor', () => {
    const ctx = createActorCtx('vmm', backend());
    expect(() => ctx.assert(true, 'FAULTLINE_X', 'never')).not.toThrow();
    const a = thrown(() => ctx.assert(false, 'FAULTLINE_X', 'call 3 in flight'));
    const f = thrown(() => ctx.fail('FAULTLINE_X', 'call 3 in flight'));
    expect(a).toBeInstanceOf(FaultlineError);
    expect(a.code).toBe('FAULTLINE_X');
    expect(a.message).toBe("FAULTLINE_X: assertion failed in actor 'vmm': call 3 in flight");
    expect(f).toBeInstanceOf(FaultlineError);
    expect([f.code, f.message]).toEqual([a.code, a.message]);
    expect(thrown(() => ctx.fail('FAULTLINE_Y')).message).toBe("FAULTLINE_Y: assertion failed in actor 'vmm'");
  });

  it('fail narrows: the code after it sees the value defined', () => {
    // Narrowing by a `never` call needs an explicitly typed ctx, as an actor's `ctx: ActorCtx` parameter is.
    const ctx: ActorCtx = createActorCtx('host', backend());
    const lookup = (m: Map<number, { fd: number }>, k: number): number => {
      const v = m.get(k);
      if (v === undefined) ctx.fail('FAULTLINE_HOST_HANDLER', `no fault object ${k}`);
      return v.fd;
    };
    expect(lookup(new Map([[1, { fd: 9 }]]), 1)).toBe(9);
    expect(thrown(() => lookup(new Map(), 2)).code).toBe('FAULTLINE_HOST_HANDLER');
  });

  it('sets a timer at now + delay and refuses a negative delay', () => {
    const b = backend();
    const ctx = createActorCtx('guest', b);
    ctx.timer(250, { type: 'guest.resume', index: 0 } as Message);
    expect(b.timers).toEqual([{ atNs: 750, msg: { type: 'guest.resume', index: 0 } }]);
    const err = thrown(() => ctx.timer(-1, { type: 'guest.resume', index: 0 } as Message));
    expect(err.code).toBe('FAULTLINE_TIMER_DELAY');
    expect(err.message).toContain("actor 'guest'");
    expect(b.timers).toHaveLength(1);
  });

  it('counts marks in the backend map and looks memory up by name', () => {
    const b = backend();
    const ctx = createActorCtx('iommu', b);
    ctx.mark('iommu.prqFull');
    ctx.mark('iommu.prqFull');
    expect(b.marks.get('iommu.prqFull')).toBe(2);
    ctx.mem('ram').store(1, 42);
    expect(ctx.mem('ram').load(1)).toBe(42);
    const err = thrown(() => ctx.mem('rom'));
    expect(err.code).toBe('FAULTLINE_UNKNOWN_MEMORY');
    expect(err.message).toContain("actor 'iommu' asked for memory 'rom'; the topology declares: ram");
  });

  it('passes send, now and check straight through, and seeds rng from the backend', () => {
    const sent: string[] = [];
    const b = backend({
      send: (channel) => {
        sent.push(channel);
        return channel !== 'full';
      },
    });
    const ctx = createActorCtx('device', b);
    expect(ctx.send('dev->iommu', { type: 'sys.noop' } as unknown as Message)).toBe(true);
    expect(ctx.send('full', { type: 'sys.noop' } as unknown as Message)).toBe(false);
    expect(sent).toEqual(['dev->iommu', 'full']);
    expect(ctx.now()).toBe(500);
    expect(ctx.self).toBe('device');
    const want = createRng(rngStateFrom(7, 3));
    expect([ctx.rng.nextU32(), ctx.rng.nextU32()]).toEqual([want.nextU32(), want.nextU32()]);
  });
});
