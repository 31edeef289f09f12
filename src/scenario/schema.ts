// The scenario file: what a user writes (YAML or JSON) to describe a run of the nested
// IOPF path. Every key is checked with its path; optional keys get the documented defaults.

import { bugNames } from './bugs.ts';
import { eventCheck } from './events.ts';
import { bool, int, list, nullable, num, obj, oneOf, str, type Check } from './validate.ts';

const u16 = int(0, 0xffff);
const pasid = int(1, 0xfffff);

export const deviceCheck = obj(
  {
    name: str(),
    rid: u16,
    /** The physical function's RID when this function is a VF. */
    pfRid: nullable(u16),
    pasids: list(pasid, 0, 64),
    /** Also fault without a PASID (RID only). */
    ridOnly: bool,
    /** iommufd dev_id; default: the device's position in the list, from 1. */
    devId: nullable(int(1, 0xfffffff)),
    /** The RID the guest sees; default: the same as rid. */
    vrid: nullable(u16),
    priAllocation: int(1, 65535),
    prgResponsePasidRequired: bool,
    atcEntries: int(0, 1 << 20),
    /** Extra time the function takes to answer an ATC invalidation, after its in-flight DMA using the entries finished. */
    atcInvDelayNs: int(0, 1e12),
    /** The function never answers ATC invalidations (a broken or surprise-removed device): the IOMMU's time-out fires. */
    ignoresAtcInv: bool,
  },
  { name: '', pfRid: null, pasids: [], ridOnly: false, devId: null, vrid: null, priAllocation: 2048, prgResponsePasidRequired: true, atcEntries: 64, atcInvDelayNs: 0, ignoresAtcInv: false },
);

export const workloadCheck = obj(
  {
    inFlight: int(1, 4096),
    pages: int(1, 1 << 20),
    mappablePages: int(0, 1 << 20),
    pattern: oneOf('sequential', 'random'),
    writeRatio: num(0, 1),
    pagesPerGroup: int(1, 64),
    /** Time one DMA access takes before the slot starts its next one; at least 1 ns so virtual time always advances. */
    thinkNs: int(1, 1e12),
    accessesMax: int(0, Number.MAX_SAFE_INTEGER),
  },
  { inFlight: 4, pages: 4096, mappablePages: 3968, pattern: 'random', writeRatio: 0.3, pagesPerGroup: 1, thinkNs: 100, accessesMax: 0 },
);

export const iommuCheck = obj(
  {
    prqEntries: int(2, 1 << 16),
    overflowAutoResponse: oneOf('success', 'invalid', 'none'),
    implicitInvalidation: bool,
    iotlbEntries: int(0, 1 << 20),
    itagsMax: int(1, 32),
    /** An ATC invalidation not completed within this time frees its ITag and is reported (ITE); 0: never. */
    atcInvTimeoutNs: int(0, 1e12),
    /** Time between an ATS translation's walk and its completion leaving the IOMMU (0: at once): the window in which an invalidation can overtake it. */
    atsLatencyNs: int(0, 1e12),
    /** Time an IOTLB invalidation occupies the command queue head before it takes effect (0: at once); ATS requests meanwhile hit the old entries. */
    iotlbInvLatencyNs: int(0, 1e12),
    /**
     * The IOMMU driver's ops->user_pasid_table (SMMUv3-style nesting, and the iommufd selftest
     * mock): a PASID request with no handle of its own goes to the nested domain attached to the
     * RID (io-pgfault.c find_fault_handler). false: VT-d, no fallback.
     */
    userPasidTable: bool,
  },
  {
    prqEntries: 2048,
    overflowAutoResponse: 'success',
    implicitInvalidation: true,
    iotlbEntries: 1024,
    itagsMax: 32,
    atcInvTimeoutNs: 1e9,
    atsLatencyNs: 0,
    iotlbInvLatencyNs: 0,
    userPasidTable: false,
  },
);

/** Where the host tier deliberately models something other than mainline; the defaults are mainline. */
export const hostCheck = obj(
  {
    /**
     * A page request with no handler attached: 'every-request' (mainline io-pgfault.c
     * iommu_report_device_fault → err_bad_iopf → iopf_error_response, non-last requests too, R22)
     * or 'last-request' (what a fix would do: only the last request of the group is answered).
     */
    noHandlerResponse: oneOf('every-request', 'last-request'),
    /**
     * A fault-capable attach of a PRI-capable VF: 'refuse' (mainline eventq.c
     * iommufd_fault_iopf_enable: -EINVAL when pdev->is_virtfn && pci_pri_supported(pdev), because
     * a Response Failure would stop the PRI the VF shares with its PF) or 'allow' (to show that hazard, R16/R23).
     */
    iopfOnPriVf: oneOf('refuse', 'allow'),
  },
  { noHandlerResponse: 'every-request', iopfOnPriVf: 'refuse' },
);

export const vmmCheck = obj(
  {
    readBatchRecords: int(1, 4096),
    vprqEntries: int(2, 1 << 16),
    guestFailureMapsTo: oneOf('invalid', 'success'),
    vprqOverflowResponse: oneOf('success', 'invalid'),
  },
  { readBatchRecords: 100, vprqEntries: 2048, guestFailureMapsTo: 'invalid', vprqOverflowResponse: 'success' },
);

export const guestCheck = obj(
  {
    handlerCostNs: int(0, 1e12),
    /** Unmap workload: every this many ns the guest unmaps mapped pages and invalidates them (0: never). */
    unmapEveryNs: int(0, 1e12),
    /** Pages per unmap (consecutive, from a mapped page). */
    unmapPages: int(1, 1 << 20),
  },
  { handlerCostNs: 0, unmapEveryNs: 0, unmapPages: 1 },
);

/** The liveness bound (I8, src/check/monitors/i8-liveness.ts): after the heal (the last fault window's end), every group is answered within boundUs. */
export const livenessCheck = obj(
  {
    /** null: no bounded check, only "nothing owed at the end". */
    boundUs: nullable(num(0.001, 3_600_000_000)),
  },
  { boundUs: null },
);

export const threadsCheck = obj(
  {
    /** 'each': one worker per tier; a number: tiers grouped into that many workers. */
    workers: (v, path) => (v === 'each' ? ('each' as const) : int(1, 5)(v, path)),
    /**
     * Scenario time runs this many times slower than the wall clock on threads: ctx.now() is the
     * elapsed wall time divided by it, so timelines, handler costs and durations written for the
     * simulator's microsecond hops land at the same point of the run when real hops cost tens of µs.
     */
    timeScale: int(1, 100_000),
  },
  { workers: 'each', timeScale: 1 },
);

export const simCheck = obj(
  {
    /** Virtual delay of every channel hop. */
    latencyNs: int(0, 1e12),
  },
  { latencyNs: 1000 },
);

export const scenarioCheck = obj(
  {
    name: str(/^[a-z0-9][a-z0-9-]*$/, 'a name of lowercase letters, digits and dashes'),
    description: str(),
    durationMs: int(1, 3_600_000),
    seed: int(0, 0xffffffff),
    devices: list(deviceCheck, 1, 256),
    workload: workloadCheck,
    iommu: iommuCheck,
    host: hostCheck,
    vmm: vmmCheck,
    guest: guestCheck,
    bugs: list(oneOf(...bugNames)),
    /** Coverage marks (ctx.mark names) the run must reach; a run that misses one fails. */
    marks: list(str(/^[a-z0-9][a-zA-Z0-9.-]*$/, 'a mark name such as device.prgi-reused or iommu.prqFull')),
    /** Teardown and reconfiguration timeline (events.ts): actions at given times, under load. */
    events: list(eventCheck),
    /** Liveness bound after the timeline's fault windows heal (livenessCheck). */
    liveness: livenessCheck,
    threads: threadsCheck,
    sim: simCheck,
  },
  {
    description: '',
    durationMs: 10_000,
    seed: 1,
    workload: workloadCheck({}, 'defaults'),
    iommu: iommuCheck({}, 'defaults'),
    host: hostCheck({}, 'defaults'),
    vmm: vmmCheck({}, 'defaults'),
    guest: guestCheck({}, 'defaults'),
    bugs: [],
    marks: [],
    events: [],
    liveness: { boundUs: null },
    threads: { workers: 'each', timeScale: 1 },
    sim: { latencyNs: 1000 },
  },
);

export type Scenario = ReturnType<typeof scenarioCheck>;
export type DeviceSpec = ReturnType<typeof deviceCheck>;

export const validateScenario: Check<Scenario> = (v, path) => scenarioCheck(v, path);
