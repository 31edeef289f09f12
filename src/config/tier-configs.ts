// The configuration each tier's actor receives (its `init(config)`), derived by the
// scenario loader from one scenario file. Plain data: it crosses to workers by structured
// clone. Defaults are documented here and applied by the loader, not by the tiers.

import type { TimelineEvent } from './timeline.ts';
import type { Distribution } from '../util/distribution.ts';
import type { ArrivalConfig, PatternConfig } from './workload.ts';

/** One address space: a (device function, PASID) pair, numbered globally. */
export interface AddressSpace {
  asid: number;
  /** Requester id of the physical function or VF. */
  rid: number;
  /** Host PASID, or null for requests without PASID (RID only). */
  pasid: number | null;
  /** iommufd device object id of the function. */
  devId: number;
  /** Guest-visible requester id and PASID. */
  vrid: number;
  vpasid: number | null;
  /** Pages the guest may map on a fault (from address 0); faults above are answered Invalid. */
  mappablePages: number;
}

export interface DeviceFunctionConfig {
  rid: number;
  /** RID of the physical function when this is a VF (PF and VFs share one PRI interface). */
  pfRid: number | null;
  /** PRI: Outstanding Page Request Allocation (credits) granted by software. */
  priAllocation: number;
  /** "PRG Response PASID Required" in the PRI status register. */
  prgResponsePasidRequired: boolean;
  /** ATC entries of this function (0: no ATC, every access translates). */
  atcEntries: number;
  /** Extra delay before the function answers an ATC invalidation (default 0). */
  atcInvDelayNs?: number | Distribution;
  /** The function never answers ATC invalidations (default false): only the IOMMU time-out ends them. */
  ignoresAtcInv?: boolean;
}

export interface WorkloadConfig {
  /** Accesses in flight per address space. */
  inFlight: number;
  /** Pages touched (addresses 0 .. pages*4096); pages above mappablePages fault Invalid. */
  pages: number;
  pattern: PatternConfig;
  /** Probability that an access is a write. */
  writeRatio: number;
  /** Pages per page request group: a fault touches this many consecutive pages in one group (a distribution: drawn per group, clipped to 1..64). */
  pagesPerGroup: number | Distribution;
  /** When accesses start (absent: the closed loop, { process: 'closed' }). */
  arrival?: ArrivalConfig;
  /** Open-loop arrivals waiting for a free slot of their address space, at most (default 64); one more is dropped ('backlogFull'). */
  backlogMax?: number;
  /** Stop issuing new accesses after this many ns of run time. */
  durationNs: number;
  /** Or after this many accesses per address space (0: no limit). */
  accessesMax: number;
  /** Delay between one access completing and the next starting on the same slot. */
  thinkNs: number;
}

export interface DeviceConfig {
  functions: DeviceFunctionConfig[];
  spaces: AddressSpace[];
  workload: WorkloadConfig;
  pagesPerAsid: number;
  bugs: string[];
}

export type AutoResponse = 'success' | 'invalid' | 'none';

export interface IommuConfig {
  prqEntries: number;
  /** Auto-response for a dropped last request (VT-d assumed like RISC-V: Success). */
  overflowAutoResponse: AutoResponse;
  /** Invalidate the IOTLB entry of the faulting address when a request is queued (QEMU models VT-d this way). */
  implicitInvalidation: boolean;
  iotlbEntries: number;
  /** Requesters with PRI enabled in their context entry (PRE bit); others are answered Invalid. */
  functions: DeviceFunctionConfig[];
  spaces: AddressSpace[];
  pagesPerAsid: number;
  itagsMax: number;
  /** ATC invalidation time-out (ITE): the ITag is freed and the covering wait reports it; 0 or absent: never. */
  atcInvTimeoutNs?: number;
  /** Delay from an ATS translation's walk to its completion being sent (0 or absent: at once). */
  atsLatencyNs?: number | Distribution;
  /** Time an IOTLB invalidation executes at the command queue head before it takes effect (0 or absent: at once). */
  iotlbInvLatencyNs?: number | Distribution;
  bugs: string[];
}

export interface HostConfig {
  /** Devices known to the host: RID → iommufd dev_id. */
  functions: DeviceFunctionConfig[];
  spaces: AddressSpace[];
  /** Pages per address space in guest.s1 (a rebound PASID's new stage-1 table starts empty). */
  pagesPerAsid?: number;
  prqEntries: number;
  bugs: string[];
  /** The scenario's timeline (events.ts); each tier runs the actions it executes (none when absent). */
  events?: TimelineEvent[];
  /** scenario host.noHandlerResponse (src/iopf/core.ts NoHandlerResponse); absent: 'every-request', mainline. */
  noHandlerResponse?: 'every-request' | 'last-request';
  /** scenario host.iopfOnPriVf (actors/host/iopf-enable.ts); absent: 'refuse', mainline. */
  iopfOnPriVf?: 'refuse' | 'allow';
  /** scenario iommu.userPasidTable (actors/host/ufd-objects.ts findIopfHandle); absent: false, VT-d. */
  userPasidTable?: boolean;
}

export interface VmmConfig {
  spaces: AddressSpace[];
  functions: DeviceFunctionConfig[];
  /** Records per read() of the fault fd (QEMU: 100). */
  readBatchRecords: number;
  vprqEntries: number;
  /** What the VMM does with a guest Response Failure, which iommufd cannot express. */
  guestFailureMapsTo: 'invalid' | 'success';
  /** What the VMM answers the host for a last request its full vPRQ dropped. */
  vprqOverflowResponse: 'success' | 'invalid';
  bugs: string[];
  /** The scenario's timeline (events.ts). */
  events?: TimelineEvent[];
}

export interface GuestConfig {
  spaces: AddressSpace[];
  pagesPerAsid: number;
  vprqEntries: number;
  /** Virtual time (or real delay on threads) the fault handler takes per group. */
  handlerCostNs: number | Distribution;
  /** Unmap workload (unmap.ts): period in ns (0 or absent: never), pages per unmap (default 1), stop time (0: none). */
  unmapEveryNs?: number | Distribution;
  unmapPages?: number;
  durationNs?: number;
  bugs: string[];
  /** The scenario's timeline (events.ts). */
  events?: TimelineEvent[];
  /** The scenario's liveness bound, announced to the checker at start (absent: no bounded check). */
  liveness?: LivenessPlan;
}

/** I8's bounded check: from healAtNs on, every group is answered within boundNs. */
export interface LivenessPlan {
  healAtNs: number;
  boundNs: number;
}
