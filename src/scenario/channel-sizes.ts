// How many messages each channel of the nested topology holds: sized so that a ring never
// refuses a message the protocol allows (hardware queue limits, PRQ and vPRQ, are applied by
// the producing tier itself). One formula for the topology and for the load-time check that
// the rings fit the transport.

import { groupPagesMax } from '../config/workload.ts';
import type { Scenario } from './schema.ts';

export interface ChannelSizes {
  /** device <-> iommu and host -> iommu: every page request, translation and response a device can have in flight. */
  deviceOutstanding: number;
  /** iommu -> host: the PRQ's descriptors and register traffic. */
  prqRing: number;
  /** vmm <-> guest: the virtual PRQ's. */
  vprqRing: number;
  /** vmm <-> host: syscalls and their results (a read returns up to readBatchRecords records). */
  syscallRing: number;
}

export function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Address spaces of the scenario: one per (function, PASID), plus the RID-only ones. */
export function addressSpaceCount(s: Scenario): number {
  return s.devices.reduce((n, d) => n + d.pasids.length + (d.ridOnly ? 1 : 0), 0);
}

export function channelSizes(s: Scenario): ChannelSizes {
  const credits = s.devices.reduce((n, d) => n + d.priAllocation, 0);
  return {
    deviceOutstanding: pow2AtLeast(Math.max(1024, 2 * (credits + addressSpaceCount(s) * s.workload.inFlight * groupPagesMax(s.workload.pagesPerGroup)))),
    prqRing: pow2AtLeast(2 * s.iommu.prqEntries + 64),
    vprqRing: pow2AtLeast(2 * s.vmm.vprqEntries + 64),
    syscallRing: pow2AtLeast(4 * s.vmm.readBatchRecords + 1024),
  };
}
