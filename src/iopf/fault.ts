// The IOPF core's view of one page request (struct iopf_fault's iommu_fault_page_request),
// the Linux-internal response codes and their PCIe encodings. Shared by host and guest.

import { prgCode } from '../protocol/iopf.ts';
import { pgfaultPerm } from '../protocol/iommufd.ts';
import { prqAddr, prqLast, prqPasid, prqPasidPresent, prqPerm, prqPrgi, prqRid, type PageRequestFields, type Words4 } from '../protocol/layouts.ts';

export interface IopfFault {
  rid: number;
  pasidValid: boolean;
  pasid: number;
  prgi: number;
  last: boolean;
  /** pgfaultPerm bits: READ, WRITE, EXEC, PRIV. */
  perm: number;
  addr: number;
  /** Simulator-only identity of the request's group; never used for decisions. */
  ghost: number;
}

/** enum iommu_page_response_code (include/linux/iommu.h). */
export const iopfCode = { SUCCESS: 0, INVALID: 1, FAILURE: 2 } as const;
export type IopfCode = (typeof iopfCode)[keyof typeof iopfCode];

/** The PCIe PRG response code a driver's page_response sends for a Linux-internal code. */
export function pcieCodeOf(code: IopfCode): number {
  if (code === iopfCode.SUCCESS) return prgCode.SUCCESS;
  if (code === iopfCode.INVALID) return prgCode.INVALID;
  return prgCode.FAILURE;
}

export function faultFromRequest(r: PageRequestFields, ghost: number): IopfFault {
  const perm = (r.rd ? pgfaultPerm.READ : 0) | (r.wr ? pgfaultPerm.WRITE : 0) | (r.exe ? pgfaultPerm.EXEC : 0) | (r.priv ? pgfaultPerm.PRIV : 0);
  return { rid: r.rid, pasidValid: r.pasidPresent, pasid: r.pasidPresent ? r.pasid : 0, prgi: r.prgi, last: r.last, perm, addr: r.addr, ghost };
}

/**
 * A page request descriptor's words decoded straight into the fault record the core keeps
 * (intel/prq.c intel_prq_report filling struct iopf_fault's prm from the descriptor), without a
 * decoded copy in between; `into` is a blank or reused record (iopfNewFault). The same fields
 * faultFromRequest makes of the decoded descriptor.
 */
export function faultFromDescriptor(d: Words4, ghost: number, into: IopfFault): IopfFault {
  into.rid = prqRid(d);
  into.pasidValid = prqPasidPresent(d);
  into.pasid = into.pasidValid ? prqPasid(d) : 0;
  into.prgi = prqPrgi(d);
  into.last = prqLast(d);
  into.perm = prqPerm(d);
  into.addr = prqAddr(d);
  into.ghost = ghost;
  return into;
}

/** A record for faultFromDescriptor to fill. */
export function blankFault(): IopfFault {
  return { rid: 0, pasidValid: false, pasid: 0, prgi: 0, last: false, perm: 0, addr: 0, ghost: 0 };
}
