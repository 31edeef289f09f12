// The kernel's iommufd fault selftest sequence (viommu_alloc_nested_iopf, reference §4.3),
// run against the host tier through its real message surface.

import { describe, expect, it } from 'vitest';
import { errno, hwptAllocFlag, NO_PASID, pageRespCode, pgfaultFlag, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import { harness, RID1 } from './host-fixture.ts';

describe('iommufd fault selftest sequence', () => {
  it('runs alloc errors, alloc, EBUSY destroy, trigger + read + respond, replace, destroy, close, destroy fault', () => {
    const h = harness();
    const fault = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    expect(fault.ret).toBe(0);
    const [faultId, fd] = [fault.out0, fault.out1];

    expect(h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, 0xffffffff).ret).toBe(-errno.ENOENT);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID | (1 << 31), faultId).ret).toBe(-errno.EOPNOTSUPP);
    const hwpt = h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, faultId);
    expect(hwpt.ret).toBe(0);
    expect(h.ioctl(ufdOp.ATTACH, 1, hwpt.out0, 1).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, hwpt.out0).ret).toBe(-errno.EBUSY);

    h.triggerIopf({ devId: 1, pasid: 0x1, grpid: 0x2, perm: pgfaultPerm.READ | pgfaultPerm.WRITE, addr: 0xdeadbeaf });
    const r = h.read(fd, 40);
    expect(r.ret).toBe(40);
    expect(r.records).toEqual([{
      flags: pgfaultFlag.PASID_VALID | pgfaultFlag.LAST_PAGE, devId: 1, pasid: 1, grpid: 2,
      perm: pgfaultPerm.READ | pgfaultPerm.WRITE, addr: 0xdeadb000, length: 0, cookie: 1,
    }]);
    expect(h.write(fd, [{ cookie: 1, code: pageRespCode.SUCCESS }]).ret).toBe(8);
    expect(h.takeResponses()).toEqual([{ type: 9, pasidPresent: true, code: 0, rid: RID1, pasid: 1, prgi: 2 }]);

    expect(h.ioctl(ufdOp.REPLACE, 1, 0, 1).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, hwpt.out0).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(-errno.EBUSY); // the fd still holds it
    expect(h.close(fd).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(-errno.ENOENT);
    expect(h.takeResponses()).toEqual([]);
    expect(h.state.stats.syscalls.HWPT_ALLOC).toEqual({ calls: 3, ok: 1, errno: { ENOENT: 1, EOPNOTSUPP: 1 } });
    expect(NO_PASID).toBe(0xffffffff);
  });

  it('rejects FAULT_QUEUE_ALLOC with flags (EOPNOTSUPP)', () => {
    expect(harness().ioctl(ufdOp.FAULT_QUEUE_ALLOC, 1).ret).toBe(-errno.EOPNOTSUPP);
  });

  it('rejects a fault object still referenced by a hwpt (EBUSY), and unknown ids (ENOENT)', () => {
    const h = harness();
    const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.FAULT_ID_VALID, f.out0);
    expect(h.close(f.out1).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, f.out0).ret).toBe(-errno.EBUSY);
    expect(h.ioctl(ufdOp.DESTROY, 999).ret).toBe(-errno.ENOENT);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, 77, 0, 0, 0).ret).toBe(-errno.ENOENT);
    expect(h.ioctl(ufdOp.ATTACH, 1, 999, 1).ret).toBe(-errno.ENOENT);
  });
});
