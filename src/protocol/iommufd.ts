// The iommufd surface the VMM uses, as data: syscall op codes carried by ufd.call, errno
// values (negated in ufd.ret), flag bits and response codes, mirroring include/uapi/linux/iommufd.h.

export const ufdOp = {
  /** a0: flags (must be 0) → out0 fault_id, out1 fault fd */
  FAULT_QUEUE_ALLOC: 1,
  /** a0 dev_id, a1 pt_id (IOAS or parent hwpt), a2 flags, a3 fault_id → out0 hwpt_id */
  HWPT_ALLOC: 2,
  /** a0 dev_id, a1 hwpt_id, a2 pasid (NO_PASID for the RID) */
  ATTACH: 3,
  /** a0 dev_id, a1 new hwpt_id, a2 pasid */
  REPLACE: 4,
  /** a0 dev_id, a1 pasid */
  DETACH: 5,
  /** a0 object id */
  DESTROY: 6,
  /** a0 fd, a1 count (bytes, a multiple of 40) → ufd.record × n, ret = bytes */
  READ: 7,
  /** a0 fd, a1 count (bytes, a multiple of 8), after count/8 ufd.writeRec → ret = bytes consumed */
  WRITE: 8,
  /** a0 fd */
  CLOSE: 9,
  /**
   * a0 hwpt_id (nested), a1 entry_num, after a1 ufd.invEntry (IOMMU_HWPT_INVALIDATE_DATA_VTD_S1)
   * → ret 0 or -errno, out0 = entries handled (entry_num out); returns only once the host's
   * invalidation wait completed. a1 = 0 probes support.
   */
  HWPT_INVALIDATE: 10,
} as const;

export type UfdOp = (typeof ufdOp)[keyof typeof ufdOp];

export const errno = {
  ENOENT: 2,
  EBADF: 9,
  EFAULT: 14,
  EBUSY: 16,
  EINVAL: 22,
  ESPIPE: 29,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
} as const;

export const hwptAllocFlag = {
  NEST_PARENT: 1 << 0,
  DIRTY_TRACKING: 1 << 1,
  FAULT_ID_VALID: 1 << 2,
  ALLOC_PASID: 1 << 3,
} as const;

export const pgfaultFlag = { PASID_VALID: 1 << 0, LAST_PAGE: 1 << 1 } as const;
/**
 * Kernel-internal struct iommu_fault_page_request flags (include/linux/iommu.h): PASID_VALID and
 * LAST_PAGE equal the uAPI bits; RESPONSE_NEEDS_PASID (1 << 2) is not in the uAPI, but
 * eventq.c iommufd_compose_fault_message() copies fault->prm.flags verbatim into the record, and
 * intel/prq.c intel_prq_report() sets PASID_VALID | NEEDS_PASID whenever the request carried a
 * PASID: user space reads 0x7 for a last request with a PASID.
 */
export const iopfPrmFlag = { PASID_VALID: 1 << 0, LAST_PAGE: 1 << 1, RESPONSE_NEEDS_PASID: 1 << 2 } as const;
export const pgfaultPerm = { READ: 1 << 0, WRITE: 1 << 1, EXEC: 1 << 2, PRIV: 1 << 3 } as const;
export const pageRespCode = { SUCCESS: 0, INVALID: 1 } as const;
/** struct iommu_hwpt_vtd_s1_invalidate flags: IOMMU_VTD_INV_FLAGS_LEAF. */
export const vtdInvFlag = { LEAF: 1 << 0 } as const;
/** npages as carried by ufd.invEntry for U64_MAX (with addr 0: invalidate everything). */
export const VTD_INV_ALL_PAGES = 0xffffffff;

/**
 * IOMMU_NO_PASID (include/linux/iommu.h: `#define IOMMU_NO_PASID (0U)`): the requester's RID
 * rather than a PASID. PASID 0 is the RID's (VT-d reserves it as RID2PASID), so an attach at
 * pasid 0 is the RID attach.
 */
export const NO_PASID = 0;
export const pgfaultBytes = 40;
export const pageResponseBytes = 8;
