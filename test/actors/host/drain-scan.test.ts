// The PASID drain's PRQ scan match (intel/prq.c intel_iommu_drain_pasid_prq): a descriptor is
// waited for when `req->rid == sid` and either `req->pasid_present && pasid == req->pasid` or
// `!req->pasid_present && pasid == IOMMU_NO_PASID` — RID-only requests are drained with
// IOMMU_NO_PASID (R2, "iommu/vt-d: Make intel_iommu_drain_pasid_prq() cover faults for RID").

import { describe, expect, it } from 'vitest';
import { drainScanMatches } from '../../../actors/host/pasid-reuse.ts';
import { NO_PASID } from '../../../src/protocol/iommufd.ts';

const req = (rid: number, pasidPresent: boolean, pasid: number) => ({ rid, pasidPresent, pasid });

describe('drain PRQ scan', () => {
  it('matches the RID and PASID of a PASID drain, not RID-only requests nor other PASIDs or RIDs', () => {
    expect(drainScanMatches(req(0x100, true, 3), 0x100, 3)).toBe(true);
    expect(drainScanMatches(req(0x100, true, 4), 0x100, 3)).toBe(false);
    expect(drainScanMatches(req(0x100, false, 0), 0x100, 3)).toBe(false);
    expect(drainScanMatches(req(0x108, true, 3), 0x100, 3)).toBe(false);
  });

  it('with IOMMU_NO_PASID matches the RID-only requests of the RID (and a request carrying PASID 0)', () => {
    expect(drainScanMatches(req(0x100, false, 0), 0x100, NO_PASID)).toBe(true);
    expect(drainScanMatches(req(0x100, true, 0), 0x100, NO_PASID)).toBe(true);
    expect(drainScanMatches(req(0x100, true, 5), 0x100, NO_PASID)).toBe(false);
    expect(drainScanMatches(req(0x108, false, 0), 0x100, NO_PASID)).toBe(false);
  });
});
