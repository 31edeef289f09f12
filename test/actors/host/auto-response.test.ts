// Auto-responses with Invalid on detach, replace and fault-object destroy (R10), and the
// bug toggles reproducing R11 (replace answers through the new hwpt) and R12 (destroy skips
// read-but-unanswered groups).

import { describe, expect, it } from 'vitest';
import { hostActor } from '../../../actors/host/host.actor.ts';
import { hwptAllocFlag, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import type { HostHarness } from '../../../src/harness/host-harness.ts';
import { harness, withFaultHwpt } from './host-fixture.ts';

const R = pgfaultPerm.READ;

/** Groups 1 (read, unanswered) and 2 (unread) at PASID 1, group 3 at PASID 2 on another handle of the same fault object. */
function twoStates(h: HostHarness) {
  const ids = withFaultHwpt(h, 1);
  const hw2 = h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, ids.faultId).out0;
  h.ioctl(ufdOp.ATTACH, 1, hw2, 2);
  h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
  h.read(ids.fd, 40);
  h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000 });
  h.triggerIopf({ devId: 1, pasid: 2, grpid: 3, perm: R, addr: 0x3000 });
  return { ...ids, hw2 };
}

describe('auto-responses', () => {
  it("detach answers the handle's unread and read-but-unanswered groups Invalid, and only those", () => {
    const h = harness();
    const { fd } = twoStates(h);
    expect(h.ioctl(ufdOp.DETACH, 1, 1).ret).toBe(0);
    expect(h.takeResponses().map((r) => [r.pasid, r.prgi, r.code])).toEqual([
      [1, 2, 1],
      [1, 1, 1],
    ]);
    expect(h.state.stats.autoAnswered).toEqual({ detach: 2 });
    expect(h.read(fd, 400).records.map((r) => r.grpid)).toEqual([3]);
    expect(hostActor.pending!(h.state)).toBe(1);
  });

  it("replace answers the old hwpt's groups of that handle Invalid", () => {
    const h = harness();
    twoStates(h);
    const f2 = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    const hw3 = h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, f2.out0).out0;
    expect(h.ioctl(ufdOp.REPLACE, 1, hw3, 1).ret).toBe(0);
    expect(h.takeResponses().map((r) => [r.prgi, r.code])).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(h.state.stats.autoAnswered).toEqual({ replace: 2 });
  });

  it("bug replace-wrong-hwpt leaves the old hwpt's groups pending (R11)", () => {
    const h = harness(['replace-wrong-hwpt']);
    twoStates(h);
    const f2 = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    const hw3 = h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, f2.out0).out0;
    expect(h.ioctl(ufdOp.REPLACE, 1, hw3, 1).ret).toBe(0);
    expect(h.takeResponses()).toEqual([]);
    expect(hostActor.pending!(h.state)).toBe(3);
  });

  it('fault-object destroy answers every remaining group, unread and read', () => {
    const h = harness(['replace-wrong-hwpt']);
    const { fd, faultId, hwptId, hw2 } = twoStates(h);
    h.ioctl(ufdOp.REPLACE, 1, 0, 1); // the bug leaves groups 1 and 2 behind
    h.ioctl(ufdOp.DETACH, 1, 2); // answers group 3
    h.takeResponses();
    h.ioctl(ufdOp.DESTROY, hwptId);
    h.ioctl(ufdOp.DESTROY, hw2);
    h.close(fd);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(0);
    expect(h.takeResponses().map((r) => [r.prgi, r.code])).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(h.state.stats.autoAnswered).toEqual({ detach: 1, destroy: 2 });
    expect(hostActor.pending!(h.state)).toBe(0);
  });

  it('bug destroy-misses-read skips read-but-unanswered groups on destroy (R12)', () => {
    const h = harness(['replace-wrong-hwpt', 'destroy-misses-read']);
    const { fd, faultId, hwptId, hw2 } = twoStates(h);
    h.ioctl(ufdOp.REPLACE, 1, 0, 1);
    h.ioctl(ufdOp.DETACH, 1, 2);
    h.takeResponses();
    h.ioctl(ufdOp.DESTROY, hwptId);
    h.ioctl(ufdOp.DESTROY, hw2);
    h.close(fd);
    h.ioctl(ufdOp.DESTROY, faultId);
    expect(h.takeResponses().map((r) => r.prgi)).toEqual([2]);
    expect(hostActor.pending!(h.state)).toBe(1);
  });

  it('a hwpt attached somewhere cannot be destroyed (EBUSY) until detached', () => {
    const h = harness();
    const { hwptId } = withFaultHwpt(h);
    expect(h.ioctl(ufdOp.DESTROY, hwptId).ret).toBe(-16);
    h.ioctl(ufdOp.DETACH, 1, 1);
    expect(h.ioctl(ufdOp.DESTROY, hwptId).ret).toBe(0);
  });
});
