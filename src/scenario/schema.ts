// The scenario file: what a user writes (YAML or JSON) to describe a run of the nested
// IOPF path. Every key is checked with its path; optional keys get the documented defaults.
// The descriptions (doc) also go into the JSON Schema editors use (json-schema.ts).

import { bugNames } from './bugs.ts';
import { distribution } from './distribution-check.ts';
import { eventCheck } from './events.ts';
import { simCheck } from './sim-timing.ts';
import { arrivalCheck, groupPagesCheck, patternCheck } from './workload-forms.ts';
import { bool, doc, int, list, literalOr, nullable, num, obj, oneOf, str, type Check } from './validate.ts';

/** What an actor latency's window means (ctx.delayNs), appended to its key's doc. */
const windowDoc = (per: string): string =>
  ` A window (a distribution, e.g. { dist: uniform, min, max }; see sim.latencyNs for the forms) is drawn per ${per} from the actor's seeded stream, or in the simulator picked by a strategy that chooses delays (pct, pos, delay-bounded: the window's ends) and recorded in the schedule.`;

const u16 = int(0, 0xffff);
const pasid = int(1, 0xfffff);

export const deviceCheck = obj(
  {
    name: doc('A name for the function, used by timeline events and reports.', str()),
    rid: doc('PCIe requester id (bus/device/function) of the function.', u16),
    pfRid: doc("The physical function's RID when this function is a VF.", nullable(u16)),
    pasids: doc('The PASIDs the function faults on, one address space each.', list(pasid, 0, 64)),
    ridOnly: doc('Also fault without a PASID (RID only).', bool),
    devId: doc("iommufd dev_id; default: the device's position in the list, from 1.", nullable(int(1, 0xfffffff))),
    vrid: doc('The RID the guest sees; default: the same as rid.', nullable(u16)),
    priAllocation: doc('PRI Outstanding Page Request Allocation: page requests the function may have outstanding (credits).', int(1, 65535)),
    prgResponsePasidRequired: doc('"PRG Response PASID Required" in the PRI status register.', bool),
    atcEntries: doc('ATC entries of the function (0: no ATC, every access translates).', int(0, 1 << 20)),
    atcInvDelayNs: doc(`Extra time the function takes to answer an ATC invalidation, after its in-flight DMA using the entries finished.${windowDoc('invalidation')}`, distribution(0, 1e12)),
    ignoresAtcInv: doc("The function never answers ATC invalidations (a broken or surprise-removed device): the IOMMU's time-out fires.", bool),
  },
  { name: '', pfRid: null, pasids: [], ridOnly: false, devId: null, vrid: null, priAllocation: 2048, prgResponsePasidRequired: true, atcEntries: 64, atcInvDelayNs: 0, ignoresAtcInv: false },
);

export const workloadCheck = obj(
  {
    inFlight: doc('DMA accesses in flight per address space.', int(1, 4096)),
    pages: doc('Pages each address space touches (addresses 0 .. pages*4096).', int(1, 1 << 20)),
    mappablePages: doc('Pages the guest maps on a fault; faults above are answered Invalid.', int(0, 1 << 20)),
    pattern: doc(
      'Which page each access touches: sequential, uniform (random is the same), strided ({ kind: strided, stride }), hotset ({ kind: hotset, hotFraction, hotProbability }), zipf ({ kind: zipf, skew }: page k-1 has rank k, P ∝ 1/k^skew).',
      patternCheck,
    ),
    writeRatio: doc('Probability that an access is a write.', num(0, 1)),
    pagesPerGroup: doc('Pages per page request group: a fault touches this many consecutive pages in one group; a distribution is drawn per group (clipped to 1..64).', groupPagesCheck),
    thinkNs: doc('Time one DMA access takes before the slot starts its next one (open loop: before the slot is free again); at least 1 ns so virtual time always advances.', int(1, 1e12)),
    accessesMax: doc('Stop after this many accesses per address space (open loop: arrivals per stream) (0: no limit).', int(0, Number.MAX_SAFE_INTEGER)),
    arrival: doc(
      'When accesses arrive: { process: closed } (each of inFlight slots starts its next access thinkNs after its last), poisson / constant ({ ratePerSec, per: space|function }), onoff ({ ratePerSec, onMeanNs, offMeanNs, per }: Markov-modulated Poisson) or trace ({ file }: a CSV timeNs,device,pasid,address,access relative to the scenario file).',
      arrivalCheck,
    ),
    backlogMax: doc('Open loop: arrivals an address space holds while all its inFlight slots are busy; one more is dropped (reason backlogFull).', int(0, 1 << 20)),
  },
  { inFlight: 4, pages: 4096, mappablePages: 3968, pattern: 'random', writeRatio: 0.3, pagesPerGroup: 1, thinkNs: 100, accessesMax: 0, arrival: { process: 'closed' }, backlogMax: 64 },
);

export const iommuCheck = obj(
  {
    prqEntries: doc('Entries of the page request queue (a power of two).', int(2, 1 << 16)),
    overflowAutoResponse: doc('What the IOMMU answers for a last request dropped by a full PRQ.', oneOf('success', 'invalid', 'none')),
    implicitInvalidation: doc('Invalidate the IOTLB entry of the faulting address when a request is queued (QEMU models VT-d this way).', bool),
    iotlbEntries: doc('IOTLB entries.', int(0, 1 << 20)),
    itagsMax: doc('ATC invalidation tags (ITags) the IOMMU has.', int(1, 32)),
    atcInvTimeoutNs: doc('An ATC invalidation not completed within this time frees its ITag and is reported (ITE); 0: never.', int(0, 1e12)),
    atsLatencyNs: doc(
      `Time between an ATS translation's walk and its completion leaving the IOMMU (0: at once): the window in which an invalidation can overtake it.${windowDoc('completion')}`,
      distribution(0, 1e12),
    ),
    iotlbInvLatencyNs: doc(
      `Time an IOTLB invalidation occupies the command queue head before it takes effect (0: at once); ATS requests meanwhile hit the old entries.${windowDoc('invalidation')}`,
      distribution(0, 1e12),
    ),
    /**
     * The IOMMU driver's ops->user_pasid_table (SMMUv3-style nesting, and the iommufd selftest
     * mock): a PASID request with no handle of its own goes to the nested domain attached to the
     * RID (io-pgfault.c find_fault_handler). false: VT-d, no fallback.
     */
    userPasidTable: doc(
      'ops->user_pasid_table (SMMUv3-style nesting, the iommufd selftest mock): a PASID request with no handle of its own goes to the nested domain attached to the RID (io-pgfault.c find_fault_handler); false: VT-d, no fallback.',
      bool,
    ),
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
    noHandlerResponse: doc(
      "A page request with no handler attached: 'every-request' (mainline io-pgfault.c iommu_report_device_fault → err_bad_iopf → iopf_error_response, non-last requests too, R22) or 'last-request' (what a fix would do: only the last request of the group is answered).",
      oneOf('every-request', 'last-request'),
    ),
    iopfOnPriVf: doc(
      "A fault-capable attach of a PRI-capable VF: 'refuse' (mainline eventq.c iommufd_fault_iopf_enable: -EINVAL when pdev->is_virtfn && pci_pri_supported(pdev), because a Response Failure would stop the PRI the VF shares with its PF) or 'allow' (to show that hazard, R16/R23).",
      oneOf('refuse', 'allow'),
    ),
  },
  { noHandlerResponse: 'every-request', iopfOnPriVf: 'refuse' },
);

export const vmmCheck = obj(
  {
    readBatchRecords: doc('Fault records per read() of the iommufd fault fd (QEMU: 100); reads return whole groups.', int(1, 4096)),
    vprqEntries: doc('Entries of the virtual PRQ the guest sees (a power of two).', int(2, 1 << 16)),
    guestFailureMapsTo: doc('What the VMM does with a guest Response Failure, which iommufd cannot express.', oneOf('invalid', 'success')),
    vprqOverflowResponse: doc('What the VMM answers the host for a last request its full virtual PRQ dropped.', oneOf('success', 'invalid')),
  },
  { readBatchRecords: 100, vprqEntries: 2048, guestFailureMapsTo: 'invalid', vprqOverflowResponse: 'success' },
);

export const guestCheck = obj(
  {
    handlerCostNs: doc(
      `Time the guest's fault handler takes per group; groups are handled concurrently (the IOPF workqueue is unbound), so this is a delay, not a server: a busy guest CPU is sim.service.guest / guestDescriptor.${windowDoc('group')}`,
      distribution(0, 1e12),
    ),
    unmapEveryNs: doc(`Unmap workload: every this many ns the guest unmaps mapped pages and invalidates them (0: never).${windowDoc('period')}`, distribution(0, 1e12)),
    unmapPages: doc('Pages per unmap (consecutive, from a mapped page).', int(1, 1 << 20)),
  },
  { handlerCostNs: 0, unmapEveryNs: 0, unmapPages: 1 },
);

/** The liveness bound (I8, src/check/monitors/i8-liveness.ts): after the heal (the last fault window's end), every group is answered within boundUs. */
export const livenessCheck = obj(
  {
    boundUs: doc(
      'After the heal (the last fault window\'s end) every group is answered within this many µs; null: no bounded check, only "nothing owed at the end".',
      nullable(num(0.001, 3_600_000_000)),
    ),
  },
  { boundUs: null },
);

export const threadsCheck = obj(
  {
    workers: doc("'each': one worker per tier; a number: tiers grouped into that many workers.", literalOr('each', int(1, 5))),
    // ctx.now() on threads is the elapsed wall time divided by timeScale, so timelines, handler
    // costs and durations written for the simulator's microsecond hops land at the same point
    // of the run when real hops cost tens of µs.
    timeScale: doc('Scenario time runs this many times slower than the wall clock on threads.', int(1, 100_000)),
  },
  { workers: 'each', timeScale: 1 },
);

export { simCheck } from './sim-timing.ts';

export const scenarioCheck = obj(
  {
    name: doc("The scenario's name.", str(/^[a-z0-9][a-z0-9-]*$/, 'a name of lowercase letters, digits and dashes')),
    description: doc('One line saying what the scenario shows.', str()),
    durationMs: doc('Scenario time the workload runs, in ms.', int(1, 3_600_000)),
    seed: doc('Seed of the deterministic runtime and the workload.', int(0, 0xffffffff)),
    devices: doc('The PCIe functions (PFs and VFs) assigned to the guest.', list(deviceCheck, 1, 256)),
    workload: doc('What every address space does.', workloadCheck),
    iommu: doc('The physical IOMMU.', iommuCheck),
    host: doc('The host IOMMU driver: where it deliberately models something other than mainline (the defaults are mainline).', hostCheck),
    vmm: doc('The VMM (QEMU-like) and its virtual IOMMU.', vmmCheck),
    guest: doc('The guest IOMMU driver.', guestCheck),
    bugs: doc('Historic bugs to turn on (`faultline bugs` lists them).', list(oneOf(...bugNames))),
    marks: doc('Coverage marks (ctx.mark names) the run must reach; a run that misses one fails.', list(str(/^[a-z0-9][a-zA-Z0-9.-]*$/, 'a mark name such as device.prgi-reused or iommu.prqFull'))),
    events: doc('Teardown and reconfiguration timeline: actions at given times, under load.', list(eventCheck)),
    liveness: doc("Liveness bound after the timeline's fault windows heal.", livenessCheck),
    threads: doc('The threaded runtime.', threadsCheck),
    sim: doc('The deterministic simulator: hop latencies and service costs (the threaded runtime ignores this section).', simCheck),
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
    sim: { profile: 'none', latencyNs: null, hops: {}, service: {} },
  },
);

export type Scenario = ReturnType<typeof scenarioCheck>;
export type DeviceSpec = ReturnType<typeof deviceCheck>;

export const validateScenario: Check<Scenario> = scenarioCheck;
