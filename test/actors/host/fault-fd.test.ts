// The fault fd's read and write rules (iommufd/eventq.c, reference §4.2).

import { describe, expect, it } from 'vitest';
import { errno, iopfPrmFlag, pageRespCode, pgfaultFlag, pgfaultPerm } from '../../../src/protocol/iommufd.ts';
import { harness, RID1, withFaultHwpt } from './host-fixture.ts';

const R = pgfaultPerm.READ;

describe('fault fd read', () => {
  it('rejects a count that is not a multiple of 40 (ESPIPE) and leaves the group queued', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    expect(h.read(fd, 39).ret).toBe(-errno.ESPIPE);
    expect(h.read(fd, 40).records).toHaveLength(1);
  });

  it('returns 0 when nothing is queued', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    expect(h.read(fd, 400)).toEqual({ ret: 0, out0: 0, out1: 0, records: [], ghosts: [] });
  });

  it('delivers whole groups only: a group larger than the buffer stays at the head', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x1000, last: false });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x2000, last: false });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x3000 });
    expect(h.read(fd, 80)).toEqual({ ret: 0, out0: 0, out1: 0, records: [], ghosts: [] });
    const r = h.read(fd, 120);
    expect(r.ret).toBe(120);
    // fault->prm.flags verbatim (eventq.c iommufd_compose_fault_message), as VT-d set them
    // (intel/prq.c intel_prq_report: PASID_VALID | RESPONSE_NEEDS_PASID with a PASID): 0x5, 0x5, 0x7.
    const withPasid = iopfPrmFlag.PASID_VALID | iopfPrmFlag.RESPONSE_NEEDS_PASID;
    expect(r.records.map((x) => [x.addr, x.flags, x.cookie])).toEqual([
      [0x1000, withPasid, 1],
      [0x2000, withPasid, 1],
      [0x3000, withPasid | pgfaultFlag.LAST_PAGE, 1],
    ]);
    expect(r.records[2]!.flags).toBe(0x7);
  });

  it('stops before the first group that does not fit, after delivering those that do', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000, last: false });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x3000 });
    const r = h.read(fd, 80);
    expect(r.ret).toBe(40);
    expect(r.records.map((x) => x.grpid)).toEqual([1]);
  });

  it('allocates cookies at read time from 1, reusing the lowest freed one (xa_alloc)', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    for (const g of [1, 2]) h.triggerIopf({ devId: 1, pasid: 1, grpid: g, perm: R, addr: 0x1000 * g });
    expect(h.read(fd, 400).records.map((x) => x.cookie)).toEqual([1, 2]);
    expect(h.write(fd, [{ cookie: 1, code: pageRespCode.SUCCESS }]).ret).toBe(8);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 3, perm: R, addr: 0x3000 });
    expect(h.read(fd, 400).records.map((x) => x.cookie)).toEqual([1]);
  });

  it('signals poll readiness when the deliver list becomes non-empty, and again while a read leaves groups behind', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000 });
    expect(h.pollins).toEqual([fd]);
    h.read(fd, 40);
    expect(h.pollins).toEqual([fd, fd]);
    h.read(fd, 40);
    expect(h.pollins).toEqual([fd, fd]);
  });

  it('answers EBADF for an unknown or closed fd', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    expect(h.close(fd).ret).toBe(0);
    expect(h.read(fd, 40).ret).toBe(-9);
    expect(h.close(fd).ret).toBe(-9);
  });
});

describe('fault fd write', () => {
  function readOne() {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000 });
    h.read(fd, 80);
    return { h, fd };
  }

  it('rejects a count that is not a multiple of 8 (ESPIPE, as mainline eventq.c) without answering', () => {
    const { h, fd } = readOne();
    expect(h.write(fd, [{ cookie: 1, code: 0 }], 7).ret).toBe(-errno.ESPIPE);
    expect(h.takeResponses()).toEqual([]);
  });

  it('rejects response codes other than 0 and 1 (EINVAL) and stops there', () => {
    const { h, fd } = readOne();
    expect(
      h.write(fd, [
        { cookie: 1, code: 2 },
        { cookie: 2, code: 0 },
      ]).ret,
    ).toBe(-errno.EINVAL);
    expect(h.takeResponses()).toEqual([]);
  });

  it('returns the bytes consumed before the first bad record (unknown cookie)', () => {
    const { h, fd } = readOne();
    expect(
      h.write(fd, [
        { cookie: 2, code: pageRespCode.INVALID },
        { cookie: 9, code: 0 },
        { cookie: 1, code: 0 },
      ]).ret,
    ).toBe(8);
    expect(h.takeResponses()).toEqual([{ type: 9, pasidPresent: true, code: 1, rid: RID1, pasid: 1, prgi: 2 }]);
  });

  it('answers each group once: a second write of the same cookie is EINVAL and sends nothing', () => {
    const { h, fd } = readOne();
    expect(h.write(fd, [{ cookie: 1, code: 0 }]).ret).toBe(8);
    expect(h.write(fd, [{ cookie: 1, code: 0 }]).ret).toBe(-errno.EINVAL);
    expect(h.takeResponses().map((r) => r.prgi)).toEqual([1]);
  });

  it('fails with EFAULT when fewer records arrived than the count announces', () => {
    const { h, fd } = readOne();
    expect(h.write(fd, [], 8).ret).toBe(-errno.EFAULT);
  });
});
