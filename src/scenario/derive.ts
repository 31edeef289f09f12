// From a validated scenario to what the tiers need: address spaces numbered globally and each
// tier's config. The cross-checks no single key can express run first (cross-checks.ts), so a
// scenario object built or changed in code cannot reach an actor unchecked either.

import { bugsFor } from './bugs.ts';
import { checkScenarioConsistency } from './cross-checks.ts';
import { resolveEvents } from './events.ts';
import { healAtNs } from '../config/timeline.ts';
import type { Scenario } from './schema.ts';
import type { AddressSpace, DeviceConfig, DeviceFunctionConfig, GuestConfig, HostConfig, IommuConfig, VmmConfig, WorkloadConfig } from '../config/tier-configs.ts';
import type { ArrivalConfig } from '../config/workload.ts';
import { traceRows } from './trace-file.ts';
import { resolvePattern } from './workload-forms.ts';

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
  checkScenarioConsistency(s);
  const functions: DeviceFunctionConfig[] = [];
  const spaces: AddressSpace[] = [];
  s.devices.forEach((d, i) => {
    const devId = d.devId ?? i + 1;
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
  const pagesPerAsid = s.workload.pages;
  const durationNs = s.durationMs * 1e6;
  const events = resolveEvents(s.events, s.devices);
  return {
    spaces,
    pagesPerAsid,
    device: { functions, spaces, pagesPerAsid, workload: deviceWorkload(s, spaces, durationNs), bugs: bugsFor('device', s.bugs) },
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

function deviceWorkload(s: Scenario, spaces: AddressSpace[], durationNs: number): WorkloadConfig {
  const w = s.workload;
  return {
    inFlight: w.inFlight,
    pages: w.pages,
    pattern: resolvePattern(w.pattern),
    writeRatio: w.writeRatio,
    pagesPerGroup: w.pagesPerGroup,
    durationNs,
    accessesMax: w.accessesMax,
    thinkNs: w.thinkNs,
    ...(w.arrival.process === 'closed' ? {} : { arrival: deviceArrival(s, spaces), backlogMax: w.backlogMax }),
  };
}

function deviceArrival(s: Scenario, spaces: AddressSpace[]): ArrivalConfig {
  const a = s.workload.arrival;
  if (a.process !== 'trace') return a;
  const asidOf = new Map(spaces.map((sp) => [`${sp.rid}/${sp.pasid}`, sp.asid]));
  const rows = traceRows(s).map((r) => ({ timeNs: r.timeNs, asid: asidOf.get(`${s.devices[r.device]!.rid}/${r.pasid}`)!, page: r.page, write: r.write }));
  return { process: 'trace', rows };
}
