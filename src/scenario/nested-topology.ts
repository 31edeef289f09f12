// The nested IOPF path as a topology: five tier actors, the eight channels between them
// (actors/README.md) and the guest's stage-1 page table memory. Channel capacities come from
// channel-sizes.ts; hop latencies and the tiers' service costs (simulator only) from the
// scenario's sim section (sim-timing.ts).

import { deviceActor } from '../../actors/device/device.actor.ts';
import { guestActor } from '../../actors/guest/guest.actor.ts';
import { hostActor } from '../../actors/host/host.actor.ts';
import { iommuActor } from '../../actors/iommu/iommu.actor.ts';
import { vmmActor } from '../../actors/vmm/vmm.actor.ts';
import type { Topology } from '../actor/topology.ts';
import { channelSizes } from './channel-sizes.ts';
import { deriveTierConfigs, type TierConfigs } from './derive.ts';
import type { Scenario } from './schema.ts';
import { simTimings, type HopName } from './sim-timing.ts';

export const tierNames = ['device', 'iommu', 'host', 'vmm', 'guest'] as const;
export type TierName = (typeof tierNames)[number];

/** Which worker each tier lands on when the tiers are grouped into `workers` threads. */
function groupOf(tier: number, workers: 'each' | number): string {
  if (workers === 'each') return `tier:${tierNames[tier]}`;
  const perGroup = Math.ceil(tierNames.length / workers);
  return `w${Math.floor(tier / perGroup)}`;
}

export function nestedTopology(s: Scenario, workers: 'each' | number = s.threads.workers): { topology: Topology; configs: TierConfigs } {
  const c = deriveTierConfigs(s);
  const { deviceOutstanding, prqRing, vprqRing, syscallRing } = channelSizes(s);
  const timing = simTimings(s.sim);
  const hop = (name: HopName, from: TierName, to: TierName, capacity: number) => ({ name, from, to, capacity, latencyNs: timing.hops[name] });
  const configs: Record<TierName, unknown> = { device: c.device, iommu: c.iommu, host: c.host, vmm: c.vmm, guest: c.guest };
  const defs = { device: deviceActor, iommu: iommuActor, host: hostActor, vmm: vmmActor, guest: guestActor };
  const topology: Topology = {
    actors: tierNames.map((t, i) => {
      const { serviceNs, serviceByType } = timing.tiers[t];
      return {
        name: t,
        def: defs[t],
        config: configs[t],
        group: groupOf(i, workers),
        ...(serviceNs !== null ? { serviceNs } : {}),
        ...(Object.keys(serviceByType).length > 0 ? { serviceByType } : {}),
      };
    }),
    channels: [
      hop('dev->iommu', 'device', 'iommu', deviceOutstanding),
      hop('iommu->dev', 'iommu', 'device', deviceOutstanding),
      hop('iommu->host', 'iommu', 'host', prqRing),
      hop('host->iommu', 'host', 'iommu', deviceOutstanding),
      hop('vmm->host', 'vmm', 'host', syscallRing),
      hop('host->vmm', 'host', 'vmm', syscallRing),
      hop('vmm->guest', 'vmm', 'guest', vprqRing),
      hop('guest->vmm', 'guest', 'vmm', vprqRing),
    ],
    memories: [{ name: 'guest.s1', words: Math.max(1, c.spaces.length * c.pagesPerAsid) }],
  };
  return { topology, configs: c };
}
