// The fault sequences of the kernel's iommufd selftest (tools/testing/selftests/iommu/iommufd.c
// and iommufd_utils.h), run against the host tier through its syscall surface
// (src/harness/host-harness.ts), one `it` per kernel test, each expectation citing the line it
// mirrors. The mock device of the selftest is dev_id 1 (self->device_id); its RID attach
// (test_cmd_mock_domain_replace(self->stdev_id, ...)) is the attach at IOMMU_NO_PASID. The mock
// has ops->user_pasid_table, so these runs set HostConfig.userPasidTable (iommu.userPasidTable).
//
// Not portable, with why:
// - IOAS objects (self->ioas_id, IOMMU_IOAS_*): the host has one implicit nesting parent (pt_id 0)
//   standing for the IOAS-backed stage 2; "replace back to the IOAS" is a replace to pt_id 0.
// - vIOMMU / vDEVICE (viommu_alloc_nested_iopf: test_cmd_viommu_alloc, test_cmd_vdevice_alloc, and
//   the ENOENT of a nested attach before the vDEVICE exists): faultline's nested hwpts are
//   allocated on the nesting parent, not on a vIOMMU; the fault path after the attach is the same
//   and is ported below.
// - test_cmd_hwpt_check_iotlb*, IOMMU_HWPT_DATA_SELFTEST payloads: no mock IOTLB here.
// - The trigger goes through the VT-d PRQ (not IOMMU_TEST_OP_TRIGGER_IOPF straight into
//   iommu_report_device_fault): the record's addr is page-aligned (0xdeadbeaf → 0xdeadb000) and
//   its flags are VT-d's PASID_VALID | RESPONSE_NEEDS_PASID | LAST_PAGE (the harness header).

import { describe, expect, it } from 'vitest';
import { createHostHarness, type HostHarness } from '../../src/harness/host-harness.ts';
import { errno, hwptAllocFlag, iopfPrmFlag, NO_PASID, pageRespCode, pgfaultPerm, ufdOp } from '../../src/protocol/iommufd.ts';
import { hostConfig, RID1 } from '../actors/host/host-fixture.ts';

const DEVICE_ID = 1;
const PARENT = 0;
const UINT32_MAX = 0xffffffff;

function selftestHarness(): HostHarness {
  const cfg = hostConfig();
  cfg.userPasidTable = true;
  return createHostHarness(cfg);
}

/** iommufd_utils.h _test_ioctl_fault_alloc + test_ioctl_fault_alloc: ASSERT_EQ(0, ...), ASSERT_NE(0, *fault_id), ASSERT_NE(0, *fault_fd). */
function testIoctlFaultAlloc(h: HostHarness): { faultId: number; faultFd: number } {
  const r = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
  expect(r.ret).toBe(0);
  expect(r.out0).not.toBe(0);
  expect(r.out1).not.toBe(0);
  return { faultId: r.out0, faultFd: r.out1 };
}

/**
 * iommufd_utils.h _test_cmd_trigger_iopf(fd, device_id, pasid, fault_fd): trigger {pasid, grpid
 * 0x2, perm READ|WRITE, addr 0xdeadbeaf}; read(fault_fd, &fault, sizeof(fault)) must be > 0;
 * response.cookie = fault.cookie; write(fault_fd, &response, sizeof(response)) with
 * IOMMUFD_PAGE_RESP_SUCCESS must be > 0.
 */
function testCmdTriggerIopf(h: HostHarness, deviceId: number, pasid: number, faultFd: number): void {
  h.triggerIopf({ devId: deviceId, pasid, grpid: 0x2, perm: pgfaultPerm.READ | pgfaultPerm.WRITE, addr: 0xdeadbeaf });
  const read = h.read(faultFd, 40);
  expect(read.ret).toBeGreaterThan(0);
  expect(read.records).toEqual([
    {
      flags: iopfPrmFlag.PASID_VALID | iopfPrmFlag.RESPONSE_NEEDS_PASID | iopfPrmFlag.LAST_PAGE,
      devId: deviceId,
      pasid,
      grpid: 0x2,
      perm: pgfaultPerm.READ | pgfaultPerm.WRITE,
      addr: 0xdeadb000,
      length: 0,
      cookie: read.records[0]!.cookie,
    },
  ]);
  const write = h.write(faultFd, [{ cookie: read.records[0]!.cookie, code: pageRespCode.SUCCESS }]);
  expect(write.ret).toBeGreaterThan(0);
  // The response reaches the device: intel_iommu_page_response with the request's PASID and PRGI.
  expect(h.takeResponses()).toEqual([{ type: 9, pasidPresent: true, code: 0, rid: RID1, pasid, prgi: 0x2 }]);
}

describe('kernel selftest: iommufd fault paths', () => {
  // iommufd.c TEST_F(iommufd_ioas, alloc_hwpt_nested), its IOPF part.
  it('alloc_hwpt_nested: fault alloc, hwpt alloc errors, replace to the iopf hwpt, EBUSY destroy, trigger, replace back, destroy order', () => {
    const h = selftestHarness();
    // The mock domain's RID starts on the IOAS (here the nesting parent).
    expect(h.ioctl(ufdOp.ATTACH, DEVICE_ID, PARENT, NO_PASID).ret).toBe(0);
    // test_ioctl_fault_alloc(&fault_id, &fault_fd);
    const { faultId, faultFd } = testIoctlFaultAlloc(h);
    // test_err_hwpt_alloc_iopf(ENOENT, self->device_id, parent_hwpt_id, UINT32_MAX, IOMMU_HWPT_FAULT_ID_VALID, ...);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID, UINT32_MAX).ret).toBe(-errno.ENOENT);
    // test_err_hwpt_alloc_iopf(EOPNOTSUPP, ..., fault_id, IOMMU_HWPT_FAULT_ID_VALID | (1 << 31), ...);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID | (1 << 31), faultId).ret).toBe(-errno.EOPNOTSUPP);
    // test_cmd_hwpt_alloc_iopf(self->device_id, parent_hwpt_id, fault_id, IOMMU_HWPT_FAULT_ID_VALID, &iopf_hwpt_id, ...);
    const iopf = h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID, faultId);
    expect(iopf.ret).toBe(0);
    const iopfHwptId = iopf.out0;
    // /* Switch from nested_hwpt_id[1] to iopf_hwpt_id */ test_cmd_mock_domain_replace(self->stdev_id, iopf_hwpt_id);
    expect(h.ioctl(ufdOp.REPLACE, DEVICE_ID, iopfHwptId, NO_PASID).ret).toBe(0);
    // EXPECT_ERRNO(EBUSY, _test_ioctl_destroy(self->fd, iopf_hwpt_id));
    expect(h.ioctl(ufdOp.DESTROY, iopfHwptId).ret).toBe(-errno.EBUSY);
    // /* Trigger an IOPF on the device */ test_cmd_trigger_iopf(self->device_id, fault_fd); — PASID 0x1 on the
    // RID-attached nested hwpt: delivered through find_fault_handler's user_pasid_table fallback.
    testCmdTriggerIopf(h, DEVICE_ID, 0x1, faultFd);
    // test_cmd_mock_domain_replace(self->stdev_id, parent_hwpt_id); test_ioctl_destroy(iopf_hwpt_id);
    expect(h.ioctl(ufdOp.REPLACE, DEVICE_ID, PARENT, NO_PASID).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, iopfHwptId).ret).toBe(0);
    // close(fault_fd); test_ioctl_destroy(fault_id);
    expect(h.close(faultFd).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(0);
    // Nothing was left to auto-answer: the only group was answered by the write.
    expect(h.takeResponses()).toEqual([]);
  });

  // iommufd.c TEST_F(iommufd_viommu, viommu_alloc_nested_iopf): the part after the vDEVICE exists.
  it('viommu_alloc_nested_iopf: attach the iopf hwpt, EBUSY destroy, trigger, replace back, destroy hwpt, close, destroy fault', () => {
    const h = selftestHarness();
    expect(h.ioctl(ufdOp.ATTACH, DEVICE_ID, PARENT, NO_PASID).ret).toBe(0);
    const { faultId, faultFd } = testIoctlFaultAlloc(h);
    // test_err_hwpt_alloc_iopf(ENOENT, dev_id, viommu_id, UINT32_MAX, IOMMU_HWPT_FAULT_ID_VALID, ...);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID, UINT32_MAX).ret).toBe(-errno.ENOENT);
    // test_err_hwpt_alloc_iopf(EOPNOTSUPP, dev_id, viommu_id, fault_id, IOMMU_HWPT_FAULT_ID_VALID | (1 << 31), ...);
    expect(h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID | (1 << 31), faultId).ret).toBe(-errno.EOPNOTSUPP);
    const iopfHwptId = h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID, faultId).out0;
    // test_cmd_mock_domain_replace(self->stdev_id, iopf_hwpt_id); (after test_cmd_vdevice_alloc)
    expect(h.ioctl(ufdOp.REPLACE, DEVICE_ID, iopfHwptId, NO_PASID).ret).toBe(0);
    // EXPECT_ERRNO(EBUSY, _test_ioctl_destroy(self->fd, iopf_hwpt_id));
    expect(h.ioctl(ufdOp.DESTROY, iopfHwptId).ret).toBe(-errno.EBUSY);
    // test_cmd_trigger_iopf(dev_id, fault_fd);
    testCmdTriggerIopf(h, DEVICE_ID, 0x1, faultFd);
    // test_cmd_mock_domain_replace(self->stdev_id, self->ioas_id); test_ioctl_destroy(iopf_hwpt_id);
    expect(h.ioctl(ufdOp.REPLACE, DEVICE_ID, PARENT, NO_PASID).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, iopfHwptId).ret).toBe(0);
    // close(fault_fd); test_ioctl_destroy(fault_id);
    expect(h.close(faultFd).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(0);
  });

  // iommufd_utils.h test_cmd_trigger_iopf_pasid(device_id, pasid, fault_fd), as the PASID attach
  // tests use it (test_cmd_pasid_attach(pasid, iopf_hwpt_id) then trigger with that pasid).
  it('pasid attach of an iopf hwpt: trigger with the PASID, read, respond; detach; a detach of a PASID never attached succeeds', () => {
    const h = selftestHarness();
    const { faultId, faultFd } = testIoctlFaultAlloc(h);
    const iopfHwptId = h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, PARENT, hwptAllocFlag.FAULT_ID_VALID, faultId).out0;
    const pasid = 2;
    // test_cmd_pasid_attach(pasid, iopf_hwpt_id);
    expect(h.ioctl(ufdOp.ATTACH, DEVICE_ID, iopfHwptId, pasid).ret).toBe(0);
    // test_cmd_trigger_iopf_pasid(self->device_id, pasid, fault_fd);
    testCmdTriggerIopf(h, DEVICE_ID, pasid, faultFd);
    // test_cmd_pasid_detach(pasid); — and again: iommufd_device_detach() returns quietly.
    expect(h.ioctl(ufdOp.DETACH, DEVICE_ID, pasid).ret).toBe(0);
    expect(h.ioctl(ufdOp.DETACH, DEVICE_ID, pasid).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, iopfHwptId).ret).toBe(0);
    expect(h.close(faultFd).ret).toBe(0);
    expect(h.ioctl(ufdOp.DESTROY, faultId).ret).toBe(0);
  });

  // iommufd.c: test_err_hwpt_alloc(EINVAL, self->device_id, self->device_id, 0, &hwpt_id) — a pt_id of the wrong type.
  it('hwpt alloc with the device id as pt_id: EINVAL', () => {
    const h = selftestHarness();
    expect(h.ioctl(ufdOp.HWPT_ALLOC, DEVICE_ID, DEVICE_ID, 0, 0).ret).toBe(-errno.EINVAL);
  });

  // eventq.c iommufd_fault_fops_read/_write: `if (*ppos || count % fault_size) return -ESPIPE;`
  it('fault fd read and write with a count that is not a whole record: ESPIPE', () => {
    const h = selftestHarness();
    const { faultFd } = testIoctlFaultAlloc(h);
    expect(h.read(faultFd, 39).ret).toBe(-errno.ESPIPE);
    expect(h.write(faultFd, [{ cookie: 1, code: 0 }], 7).ret).toBe(-errno.ESPIPE);
  });
});
