// From a validated scenario to what the tiers need: address spaces numbered globally, each
// tier's config, and the cross-checks no single key can express (unique RIDs, VFs pointing
// at a PF, mappable pages within the touched range).

import { fail } from '../util/errors.ts';
import { bugsFor } from './bugs.ts';
import { resolveEvents } from './events.ts';
import { healAtNs } from '../config/timeline.ts';
import type { Scenario } from './schema.ts';
import type { AddressSpace, DeviceConfig, DeviceFunctionConfig, GuestConfig, HostConfig, IommuConfig, VmmConfig } from '../config/tier-configs.ts';

export interface TierConfigs {
  device: DeviceConfig;
  iommu: IommuConfig;
  host: HostConfig;
  vmm: VmmConfig;
  guest: GuestConfig;
  spaces: AddressSpace[];
  pagesPerAsid: number;
}

export function deriveTierConfigs(s: Scenario): TierConfigs {
  const rids = new Set<number>();
  const devIds = new Set<number>();
  const functions: DeviceFunctionConfig[] = [];
  const spaces: AddressSpace[] = [];
  s.devices.forEach((d, i) => {
    const where = `scenario.devices[${i}]`;
    if (rids.has(d.rid)) fail('FAULTLINE_SCENARIO_INVALID', `${where}.rid: RID ${hex(d.rid)} is used by another device`);
    rids.add(d.rid);
    const devId = d.devId ?? i + 1;
    if (devIds.has(devId)) fail('FAULTLINE_SCENARIO_INVALID', `${where}.devId: dev_id ${devId} is used by another device`);
    devIds.add(devId);
    if (d.pasids.length === 0 && !d.ridOnly) fail('FAULTLINE_SCENARIO_INVALID', `${where}: a device needs at least one PASID or ridOnly: true`);
    if (new Set(d.pasids).size !== d.pasids.length) fail('FAULTLINE_SCENARIO_INVALID', `${where}.pasids: PASIDs must be distinct`);
    if (d.priAllocation < s.workload.pagesPerGroup) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.priAllocation: ${d.priAllocation} credits cannot hold one group of workload.pagesPerGroup = ${s.workload.pagesPerGroup} requests`);
    }
    functions.push({
      rid: d.rid,
      pfRid: d.pfRid,
      priAllocation: d.priAllocation,
      prgResponsePasidRequired: d.prgResponsePasidRequired,
      atcEntries: d.atcEntries,
      atcInvDelayNs: d.atcInvDelayNs,
      ignoresAtcInv: d.ignoresAtcInv,
    });
    const vrid = d.vrid ?? d.rid;
    const add = (pasid: number | null): void => {
      spaces.push({ asid: spaces.length, rid: d.rid, pasid, devId, vrid, vpasid: pasid, mappablePages: s.workload.mappablePages });
    };
    if (d.ridOnly) add(null);
    for (const p of d.pasids) add(p);
  });
  s.devices.forEach((d, i) => {
    if (d.pfRid !== null && !s.devices.some((o) => o.rid === d.pfRid && o.pfRid === null)) {
      fail('FAULTLINE_SCENARIO_INVALID', `scenario.devices[${i}].pfRid: no physical function with RID ${hex(d.pfRid)} in the scenario`);
    }
  });
  if (s.workload.mappablePages > s.workload.pages) {
    fail('FAULTLINE_SCENARIO_INVALID', `scenario.workload.mappablePages: ${s.workload.mappablePages} is more than the ${s.workload.pages} pages the workload touches`);
  }
  const pagesPerAsid = s.workload.pages;
  if (spaces.length * pagesPerAsid > 2 ** 26) {
    fail('FAULTLINE_SCENARIO_INVALID', `scenario: ${spaces.length} address spaces × ${pagesPerAsid} pages needs more than 2^26 page table entries; touch fewer pages`);
  }
  const durationNs = s.durationMs * 1e6;
  const events = resolveEvents(s.events, s.devices);
  return {
    spaces,
    pagesPerAsid,
    device: { functions, spaces, pagesPerAsid, workload: { ...s.workload, durationNs }, bugs: bugsFor('device', s.bugs) },
    iommu: { ...s.iommu, functions, spaces, pagesPerAsid, bugs: bugsFor('iommu', s.bugs) },
    host: {
      functions,
      spaces,
      pagesPerAsid,
      prqEntries: s.iommu.prqEntries,
      bugs: bugsFor('host', s.bugs),
      events,
      noHandlerResponse: s.host.noHandlerResponse,
      iopfOnPriVf: s.host.iopfOnPriVf,
      userPasidTable: s.iommu.userPasidTable,
    },
    vmm: { ...s.vmm, functions, spaces, bugs: bugsFor('vmm', s.bugs), events },
    guest: {
      spaces,
      pagesPerAsid,
      vprqEntries: s.vmm.vprqEntries,
      handlerCostNs: s.guest.handlerCostNs,
      unmapEveryNs: s.guest.unmapEveryNs,
      unmapPages: s.guest.unmapPages,
      durationNs,
      bugs: bugsFor('guest', s.bugs),
      events,
      ...(s.liveness.boundUs === null ? {} : { liveness: { healAtNs: healAtNs(events), boundNs: Math.round(s.liveness.boundUs * 1e3) } }),
    },
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
