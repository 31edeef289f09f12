// A small host configuration for the host tier's tests: two functions, three address spaces
// (dev 1 with PASID 1 and 2, dev 2 without PASID).

import { createHostHarness, type HostHarness } from '../../../src/harness/host-harness.ts';
import { hwptAllocFlag, ufdOp } from '../../../src/protocol/iommufd.ts';
import type { HostConfig } from '../../../src/config/tier-configs.ts';

export const RID1 = 0x100;
export const RID2 = 0x108;

export function hostConfig(bugs: string[] = [], prqEntries = 16): HostConfig {
  const fn = (rid: number) => ({ rid, pfRid: null, priAllocation: 32, prgResponsePasidRequired: true, atcEntries: 0 });
  const space = (asid: number, rid: number, pasid: number | null, devId: number) => ({ asid, rid, pasid, devId, vrid: rid, vpasid: pasid, mappablePages: 16 });
  return {
    functions: [fn(RID1), fn(RID2)],
    spaces: [space(0, RID1, 1, 1), space(1, RID1, 2, 1), space(2, RID2, null, 2)],
    prqEntries,
    bugs,
  };
}

/** A fault queue, a fault-capable nested hwpt for dev 1, attached at `pasid`. */
export function withFaultHwpt(h: HostHarness, pasid = 1, devId = 1): { faultId: number; fd: number; hwptId: number } {
  const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
  const hw = h.ioctl(ufdOp.HWPT_ALLOC, devId, 0, hwptAllocFlag.FAULT_ID_VALID, f.out0);
  const a = h.ioctl(ufdOp.ATTACH, devId, hw.out0, pasid);
  if (f.ret !== 0 || hw.ret !== 0 || a.ret !== 0) throw new Error(`setup failed: ${f.ret} ${hw.ret} ${a.ret}`);
  return { faultId: f.out0, fd: f.out1, hwptId: hw.out0 };
}

export function harness(bugs: string[] = [], prqEntries = 16): HostHarness {
  return createHostHarness(hostConfig(bugs, prqEntries));
}
