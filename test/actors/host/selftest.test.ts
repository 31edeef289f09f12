// The kernel's iommufd fault selftest sequence (viommu_alloc_nested_iopf, reference §4.3),
// run against the host tier through its real message surface.

import { describe, expect, it } from 'vitest';
import { errno, hwptAllocFlag, iopfPrmFlag, NO_PASID, pageRespCode, pgfaultFlag, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import { harness, RID1, withFaultHwpt } from './host-fixture.ts';

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
    expect(r.records).toEqual([
      {
        flags: iopfPrmFlag.PASID_VALID | iopfPrmFlag.RESPONSE_NEEDS_PASID | pgfaultFlag.LAST_PAGE,
        devId: 1,
        pasid: 1,
        grpid: 2,
        perm: pgfaultPerm.READ | pgfaultPerm.WRITE,
        addr: 0xdeadb000,
        length: 0,
        cookie: 1,
      },
    ]);
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
    expect(NO_PASID).toBe(0); // include/linux/iommu.h: #define IOMMU_NO_PASID (0U)
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

  // hw_pagetable.c iommufd_hwpt_alloc(): pt_id not found, or of the wrong type → -EINVAL
  // (selftest: test_err_hwpt_alloc(EINVAL, self->device_id, self->device_id, 0, &hwpt_id)).
  it('HWPT_ALLOC with an unknown pt_id or one of the wrong type (a device, a fault object) is EINVAL', () => {
    const h = harness();
    const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, 1, 999, 0, 0).ret).toBe(-errno.EINVAL);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, 1, 1, 0, 0).ret).toBe(-errno.EINVAL);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, 1, f.out0, 0, 0).ret).toBe(-errno.EINVAL);
  });

  // device.c iommufd_device_change_pt(): iommufd_get_object(IOMMUFD_OBJ_ANY) fails → -ENOENT;
  // an object that is not a hwpt or an IOAS → the switch's default: -EINVAL.
  it('ATTACH / REPLACE to a fault object or a device id is EINVAL; to no object ENOENT', () => {
    const h = harness();
    const { faultId } = withFaultHwpt(h, 1);
    expect(h.ioctl(ufdOp.ATTACH, 1, faultId, 2).ret).toBe(-errno.EINVAL);
    expect(h.ioctl(ufdOp.ATTACH, 1, 2, 2).ret).toBe(-errno.EINVAL);
    expect(h.ioctl(ufdOp.REPLACE, 1, faultId, 1).ret).toBe(-errno.EINVAL);
    expect(h.ioctl(ufdOp.REPLACE, 1, 999, 1).ret).toBe(-errno.ENOENT);
  });

  // device.c iommufd_device_detach(): iommufd_hw_pagetable_detach() finds nothing → returns quietly.
  it('DETACH of a PASID never attached succeeds and does nothing', () => {
    const h = harness();
    expect(h.ioctl(ufdOp.DETACH, 1, 7).ret).toBe(0);
    expect(h.ioctl(ufdOp.DETACH, 2, NO_PASID).ret).toBe(0);
    expect(h.commands).toEqual([]);
  });

  // device.c iommufd_device_do_replace(): `if (old_hwpt == hwpt) goto out_unlock;` rc 0.
  it('REPLACE with the hwpt already attached is a no-op: no auto-response, the cookie still answers', () => {
    const h = harness();
    const { fd, hwptId } = withFaultHwpt(h, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 5, perm: pgfaultPerm.READ, addr: 0x5000 });
    const r = h.read(fd, 40);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 6, perm: pgfaultPerm.READ, addr: 0x6000 });
    expect(h.ioctl(ufdOp.REPLACE, 1, hwptId, 1).ret).toBe(0);
    expect(h.takeResponses()).toEqual([]);
    expect(h.write(fd, [{ cookie: r.records[0]!.cookie, code: pageRespCode.SUCCESS }]).ret).toBe(8);
    expect(h.read(fd, 40).records.map((x) => x.grpid)).toEqual([6]);
    expect(h.takeResponses().map((x) => [x.prgi, x.code])).toEqual([[5, 0]]);
  });
});
