// Ghost ids (simulator-only group identities) across the iommufd hop: the host's read records
// carry the group's ghost (its last request's), the VMM carries each record's ghost into the
// vPRQ descriptor, so the guest sees the ids the device generated.

import { describe, expect, it } from 'vitest';
import { guestActor } from '../../../actors/guest/guest.actor.ts';
import { pgfaultPerm } from '../../../src/protocol/iommufd.ts';
import type { Message } from '../../../src/protocol/messages.ts';
import { fakeCtx } from '../../support/fake-ctx.ts';
import { harness, hostConfig, withFaultHwpt } from '../host/host-fixture.ts';
import { record, vmmRig } from './vmm-fixture.ts';

const R = pgfaultPerm.READ;

describe('ghost ids through iommufd', () => {
  it("the host fills every read record with its group's ghost: the last request's", () => {
    const h = harness();
    const { fd } = withFaultHwpt(h, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x1000, last: false, ghost: 70 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x2000, ghost: 71 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 5, perm: R, addr: 0x3000, ghost: 80 });
    const r = h.read(fd, 400);
    expect(r.records.map((x) => x.grpid)).toEqual([4, 4, 5]);
    expect(r.ghosts).toEqual([71, 71, 80]);
  });

  it("the vmm carries each record's ghost into the vPRQ descriptor it injects", () => {
    const r = vmmRig();
    r.setUp();
    r.deliver([record({ flags: 1, grpid: 3, cookie: 1 }), record({ grpid: 3, cookie: 1 }), record({ grpid: 4, cookie: 2 })], [12, 12, 13]);
    const descs = r.ctx.take('vmm->guest').flatMap((m) => (m.type === 'vprq.desc' ? [m.ghost] : []));
    expect(descs).toEqual([12, 12, 13]);
  });

  it("end to end, host → vmm → guest: the guest's groups carry the ghost ids the device generated", () => {
    const cfg = hostConfig();
    const h = harness();
    const { fd } = withFaultHwpt(h, 1);
    // As the device sends them: every request of a group carries the group's ghost.
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x1000, last: false, ghost: 501 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x2000, ghost: 501 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 9, perm: R, addr: 0x3000, ghost: 502 });
    const read = h.read(fd, 400);

    const vmm = vmmRig({ spaces: cfg.spaces, vprqEntries: 8 });
    vmm.setUp();
    vmm.deliver(read.records, read.ghosts);

    const gctx = fakeCtx({ self: 'guest', memories: { 'guest.s1': cfg.spaces.length * 16 } });
    const guest = guestActor.init({ spaces: cfg.spaces, pagesPerAsid: 16, vprqEntries: 8, handlerCostNs: 1000, bugs: [] }, 'guest');
    // A two-actor bus: vPRQ traffic to the guest, its register accesses back to the vmm.
    for (let guard = 0; guard < 100; guard++) {
      const toGuest: Message[] = vmm.ctx.take('vmm->guest');
      const toVmm: Message[] = gctx.take('guest->vmm');
      if (toGuest.length === 0 && toVmm.length === 0) break;
      for (const m of toGuest) guestActor.step(guest, m, gctx);
      for (const m of toVmm) vmm.send(m);
    }
    const pending = Object.values(guest.core.devices)
      .flatMap((d) => d.pending)
      .sort((a, b) => a - b);
    const seen = pending.map((id) => guest.core.groups.get(id)!.faults.map((f) => [f.prgi, f.ghost]));
    expect(seen).toEqual([
      [
        [4, 501],
        [4, 501],
      ],
      [[9, 502]],
    ]);
  });
});
