// A full outbound channel never loses a reply: it waits, in order, for sys.writable.

import { describe, expect, it } from 'vitest';
import { hostActor } from '../../../actors/host/host.actor.ts';
import { ufdOp } from '../../../src/protocol/iommufd.ts';
import { fakeCtx } from '../../support/fake-ctx.ts';
import { hostConfig } from './host-fixture.ts';

describe('host back-pressure', () => {
  it('queues syscall replies while host->vmm is full and sends them in order when writable', () => {
    const ctx = fakeCtx({ self: 'host' });
    const s = hostActor.init(hostConfig(), 'host');
    ctx.full.add('host->vmm');
    hostActor.step(s, { type: 'ufd.call', seq: 1, op: ufdOp.FAULT_QUEUE_ALLOC, a0: 0, a1: 0, a2: 0, a3: 0 }, ctx);
    hostActor.step(s, { type: 'ufd.call', seq: 2, op: ufdOp.DESTROY, a0: 999, a1: 0, a2: 0, a3: 0 }, ctx);
    expect(ctx.take('host->vmm')).toEqual([]);
    expect(hostActor.pending!(s)).toBe(2);
    ctx.full.clear();
    hostActor.step(s, { type: 'sys.writable', channel: 'host->vmm' }, ctx);
    expect(ctx.take('host->vmm')).toEqual([
      { type: 'ufd.ret', seq: 1, ret: 0, out0: 3, out1: 3 },
      { type: 'ufd.ret', seq: 2, ret: -2, out0: 0, out1: 0 },
    ]);
    expect(hostActor.pending!(s)).toBe(0);
  });
});
