// The rules no single key can express, checked when a scenario is loaded (after the schema)
// and again before tier configs are derived: every rule an actor, a queue or the runtime
// asserts on its configuration, and every configuration the model can tell will never make
// progress. An actor is never the first to reject a configuration; each message names the
// key, the value and what would work.

import { ringCapacityMax } from '../transport/sab-ring.ts';
import { fail } from '../util/errors.ts';
import { excerpt } from '../util/excerpt.ts';
import { addressSpaceCount, channelSizes } from './channel-sizes.ts';
import { resolveEvents } from './events.ts';
import type { Scenario } from './schema.ts';
import { groupPagesMax } from '../config/workload.ts';

/** Page request group indexes a function has (PCIe PRI: 9 bits), as in actors/device/device-state.ts. */
const prgIndexCount = 512;
/** Page table entries the guest's stage-1 memory holds (src/actor/topology.ts allows 2^28 words). */
const pageTableEntriesMax = 2 ** 26;

function refuse(path: string, message: string): never {
  return fail('FAULTLINE_SCENARIO_INVALID', `${path}: ${message}`, { path });
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Throws FAULTLINE_SCENARIO_INVALID (with detail.path) at the first rule the scenario breaks. */
export function checkScenarioConsistency(s: Scenario): void {
  checkDevices(s);
  checkQueues(s);
  checkWorkload(s);
  checkSizes(s);
  resolveEvents(s.events, s.devices);
}

function checkDevices(s: Scenario): void {
  const rids = new Map<number, number>();
  const vrids = new Map<number, number>();
  const devIds = new Map<number, number>();
  const names = new Map<string, number>();
  s.devices.forEach((d, i) => {
    const where = `scenario.devices[${i}]`;
    const other = rids.get(d.rid);
    if (other !== undefined) refuse(`${where}.rid`, `RID ${hex(d.rid)} is used by another device (devices[${other}]); every function needs its own RID`);
    rids.set(d.rid, i);
    const devId = d.devId ?? i + 1;
    const otherDev = devIds.get(devId);
    if (otherDev !== undefined)
      refuse(`${where}.devId`, `dev_id ${devId} is used by another device (devices[${otherDev}]); give each device its own devId, or leave devId out for the position in the list`);
    devIds.set(devId, i);
    // The guest and the VMM find a device by the RID the guest sees: two with one vrid would take each other's faults.
    const vrid = d.vrid ?? d.rid;
    const otherV = vrids.get(vrid);
    if (otherV !== undefined) {
      refuse(`${where}.${d.vrid === null ? 'rid' : 'vrid'}`, `the guest would see RID ${hex(vrid)} for two devices (devices[${otherV}] and devices[${i}]); give each a distinct vrid`);
    }
    vrids.set(vrid, i);
    if (d.name !== '') {
      const otherN = names.get(d.name);
      if (otherN !== undefined)
        refuse(`${where}.name`, `name ${JSON.stringify(excerpt(d.name))} is used by another device (devices[${otherN}]); timeline events name devices, so names must be distinct`);
      names.set(d.name, i);
    }
    if (d.pasids.length === 0 && !d.ridOnly) refuse(where, 'a device needs at least one PASID or ridOnly: true');
    const seen = new Set<number>();
    d.pasids.forEach((p, j) => {
      if (seen.has(p)) refuse(`${where}.pasids[${j}]`, `PASID ${p} is listed twice; PASIDs must be distinct`);
      seen.add(p);
    });
    // A group takes all its credits at once: with fewer the device would wait for ever (device-state.ts checkConfig).
    const group = groupPagesMax(s.workload.pagesPerGroup);
    if (d.priAllocation < group) {
      refuse(`${where}.priAllocation`, `${d.priAllocation} credits cannot hold one group of workload.pagesPerGroup = ${group} requests; use at least ${group}`);
    }
  });
  // Only the IOMMU's time-out ends an ATC invalidation such a device never answers; without one the
  // command queue waits behind it for ever (actors/device/invalidate.ts, actors/iommu/command-queue.ts).
  const deaf = s.devices.findIndex((d) => d.ignoresAtcInv);
  if (deaf >= 0 && s.iommu.atcInvTimeoutNs === 0) {
    refuse(
      'scenario.iommu.atcInvTimeoutNs',
      `0 (never) with devices[${deaf}].ignoresAtcInv: the IOMMU would wait for ever on the first ATC invalidation that device ignores; set a time-out (the default is 1000000000 ns) or ignoresAtcInv: false`,
    );
  }
  s.devices.forEach((d, i) => {
    if (d.pfRid !== null && !s.devices.some((o) => o.rid === d.pfRid && o.pfRid === null)) {
      refuse(`scenario.devices[${i}].pfRid`, `no physical function with RID ${hex(d.pfRid)} in the scenario; name the RID of a device without pfRid, or null for a PF`);
    }
  });
}

function checkQueues(s: Scenario): void {
  const group = groupPagesMax(s.workload.pagesPerGroup);
  const queues = [
    { path: 'scenario.iommu.prqEntries', entries: s.iommu.prqEntries, what: 'PRQ' },
    { path: 'scenario.vmm.vprqEntries', entries: s.vmm.vprqEntries, what: 'virtual PRQ' },
  ];
  for (const q of queues) {
    // The queue's head and tail wrap by masking (src/queues/prq-producer.ts, prq-consumer.ts).
    if (!isPowerOfTwo(q.entries)) {
      const below = 2 ** Math.floor(Math.log2(q.entries));
      refuse(q.path, `${q.entries} is not a power of two; the ${q.what} needs one, e.g. ${below} or ${below * 2}`);
    }
    // A queue of N entries holds N - 1 descriptors; the requests of one group arrive together,
    // so a larger group always overflows it and its last request is dropped: the device retries for ever.
    if (group > q.entries - 1) {
      refuse(
        q.path,
        `a ${q.entries}-entry ${q.what} holds ${q.entries - 1} requests, fewer than one group of workload.pagesPerGroup = ${group}: every group would overflow it and never be answered; use at least ${pow2Above(group)}`,
      );
    }
  }
  // iommufd's read() returns whole groups only (iommufd_fault_fops_read): a group larger than a read never comes out.
  if (s.vmm.readBatchRecords < group) {
    refuse(
      'scenario.vmm.readBatchRecords',
      `${s.vmm.readBatchRecords} records per read() cannot hold one group of workload.pagesPerGroup = ${group} requests (iommufd reads whole groups), so no fault could ever be read; use at least ${group}`,
    );
  }
}

function pow2Above(n: number): number {
  let p = 2;
  while (p - 1 < n) p *= 2;
  return p;
}

function checkWorkload(s: Scenario): void {
  if (s.workload.mappablePages > s.workload.pages) {
    refuse('scenario.workload.mappablePages', `${s.workload.mappablePages} is more than the ${s.workload.pages} pages the workload touches; use at most ${s.workload.pages}`);
  }
}

function checkSizes(s: Scenario): void {
  const spaces = addressSpaceCount(s);
  if (spaces * s.workload.pages > pageTableEntriesMax) {
    refuse('scenario.workload.pages', `${spaces} address spaces × ${s.workload.pages} pages needs more than 2^26 page table entries; touch at most ${Math.floor(pageTableEntriesMax / spaces)} pages`);
  }
  const { deviceOutstanding } = channelSizes(s);
  if (deviceOutstanding > ringCapacityMax) {
    // A function never has more than 512 groups outstanding (9-bit PRG index), so credits beyond 512 groups go unused.
    const usable = prgIndexCount * groupPagesMax(s.workload.pagesPerGroup);
    const i = s.devices.findIndex((d) => d.priAllocation > usable);
    refuse(
      i >= 0 ? `scenario.devices[${i}].priAllocation` : 'scenario.devices',
      `the devices' page requests in flight (the sum of priAllocation, plus workload.inFlight × pagesPerGroup per address space) need a ${deviceOutstanding}-message ring, more than the ${ringCapacityMax} a ring holds; ` +
        `lower priAllocation (a function has at most ${prgIndexCount} groups outstanding, so ${usable} credits are all it can use), workload.inFlight or the number of devices`,
    );
  }
}
