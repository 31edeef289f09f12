// The scenario's `sim` section (simulator only): hop latencies and per-tier service costs as
// distributions, per hop and per kind of work, and the calibrated profile they may start from
// (src/config/latency-profile.ts); and how they resolve into the nested topology's channel
// latencies and each tier's service costs. The threaded runtime ignores this section: there a
// hop costs what the rings and workers cost and a tier's work what its step costs.
//
//   sim:
//     profile: mainline-x86                      # every hop and service cost from the profile
//     latencyNs: { dist: exponential, mean: 800 } # every hop (over the profile's)
//     hops: { iommu->host: 2000 }                 # one hop (over both)
//     service: { guest: 3000, prqDescriptor: { dist: uniform, min: 500, max: 1500 } }

import { latencyProfiles } from '../config/latency-profile.ts';
import { practicalMaxOf, type Distribution } from '../util/distribution.ts';
import { fail } from '../util/errors.ts';
import { didYouMean } from '../util/suggest.ts';
import { distribution } from './distribution-check.ts';
import { doc, invalid, nullable, obj, oneOf, type Check, withSchema } from './validate.ts';

/** The nested topology's channels (nested-topology.ts), with what each hop is. */
export const nestedHops = {
  'dev->iommu': 'PCIe upstream: page requests, ATS translation requests, ATC invalidation completions',
  'iommu->dev': 'PCIe downstream: page group responses, ATS completions, ATC invalidations',
  'iommu->host': 'the page request queue: descriptors written to host memory and the page request interrupt',
  'host->iommu': "the host driver's register writes and invalidation queue commands (page group responses among them)",
  'vmm->host': "the VMM's system calls into iommufd (read and write of the fault fd, ioctls)",
  'host->vmm': 'system call returns and fault fd readiness (poll) to the VMM',
  'vmm->guest': 'the virtual page request queue: entries written to guest memory and the virtual interrupt',
  'guest->vmm': "the guest's vIOMMU register writes and commands (page group responses, invalidations), trapping to the VMM",
} as const;
export type HopName = keyof typeof nestedHops;
export const hopNames = Object.keys(nestedHops) as HopName[];

/** A service key: a whole tier (every delivery to it) or one kind of work at a tier (deliveries of one message type). */
interface ServiceKey {
  tier: 'device' | 'iommu' | 'host' | 'vmm' | 'guest';
  /** null: every delivery to the tier. */
  messageType: string | null;
  what: string;
}

export const serviceKeys = {
  device: { tier: 'device', messageType: null, what: 'every delivery to the device tier (all functions share one server)' },
  iommu: { tier: 'iommu', messageType: null, what: 'every delivery to the IOMMU' },
  host: { tier: 'host', messageType: null, what: 'every delivery to the host driver' },
  vmm: { tier: 'vmm', messageType: null, what: 'every delivery to the VMM' },
  guest: { tier: 'guest', messageType: null, what: 'every delivery to the guest driver' },
  pageResponse: { tier: 'iommu', messageType: 'cmd.pgResp', what: 'the IOMMU taking a page group response from its command queue' },
  prqInterrupt: { tier: 'host', messageType: 'prq.irq', what: 'the page request interrupt: hardirq and the wake-up of the IRQ thread' },
  prqDescriptor: { tier: 'host', messageType: 'prq.desc', what: "the IRQ thread's work per page request descriptor" },
  iommufdCall: { tier: 'host', messageType: 'ufd.call', what: 'a system call on iommufd (read or write of the fault fd, an ioctl)' },
  iommufdWriteRecord: { tier: 'host', messageType: 'ufd.writeRec', what: 'one response record written to the fault fd' },
  vmmPollWake: { tier: 'vmm', messageType: 'ufd.pollin', what: "the VMM's wake-up on a readable fault fd" },
  vmmInjectRecord: { tier: 'vmm', messageType: 'ufd.record', what: 'one fault record read and injected into the virtual page request queue' },
  guestInterrupt: { tier: 'guest', messageType: 'vprq.irq', what: 'the virtual page request interrupt in the guest' },
  guestDescriptor: { tier: 'guest', messageType: 'vprq.desc', what: "the guest driver's work per virtual page request descriptor (its fault handling)" },
} as const satisfies Record<string, ServiceKey>;
export type ServiceKeyName = keyof typeof serviceKeys;
export const serviceKeyNames = Object.keys(serviceKeys) as ServiceKeyName[];

const timingValue = distribution(0, 1e12);

/** JSON Schema definitions the scenario schema carries (json-schema.ts): one copy of the timing form for every key of the maps below. */
export const simSchemaDefinitions = { timing: timingValue.schema };

/** A map from some of `keys` to distributions; a key given as null is as if absent (so an override can remove one). */
function timingMap(keys: Readonly<Record<string, string>>): Check<Record<string, number | Distribution>> {
  const names = Object.keys(keys);
  const properties = Object.fromEntries(names.map((k) => [k, { $ref: '#/definitions/timing', description: keys[k] }]));
  return withSchema(
    (v, path) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return invalid(path, `an object with some of the keys ${names.join(', ')}`, v);
      const out: Record<string, number | Distribution> = {};
      for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
        if (!names.includes(key)) fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: unknown key${didYouMean(key, names)}; allowed: ${names.join(', ')}`, { path: `${path}.${key}` });
        if (value !== null && value !== undefined) out[key] = timingValue(value, `${path}.${key}`);
      }
      return out;
    },
    { type: 'object', properties, additionalProperties: false },
  );
}

const profileNames = Object.keys(latencyProfiles);

export const simCheck = obj(
  {
    profile: doc(
      `A calibrated latency profile (src/config/latency-profile.ts, every number with its source) that sets every hop and service cost the keys below do not: ${['none', ...profileNames].map((p) => `'${p}'`).join(', ')}. Simulator only.`,
      oneOf('none', ...profileNames),
    ),
    latencyNs: doc(
      "Virtual delay of every channel hop, a number or a distribution drawn per message; null: the profile's, or 1000 without one. A channel stays FIFO (a ring): a message is never deliverable before the one sent ahead of it. Simulator only: on threads a hop costs what the ring costs.",
      nullable(timingValue),
    ),
    hops: doc(`Latency of one hop, over latencyNs and the profile, by channel name: ${hopNames.join(', ')}. Simulator only.`, timingMap(nestedHops)),
    service: doc(
      `Service cost per delivery, a number or a distribution drawn per delivery: each tier is a single server, taking one message at a time and sending what it sends when the cost has passed. Keys: a tier (${serviceKeyNames.filter((k) => serviceKeys[k].messageType === null).join(', ')}: every delivery to it; it replaces the profile's finer keys of that tier) or one kind of work (${serviceKeyNames.filter((k) => serviceKeys[k].messageType !== null).join(', ')}), which wins over its tier's. Simulator only: on threads a step costs what it really costs.`,
      timingMap(Object.fromEntries(serviceKeyNames.map((k) => [k, serviceKeys[k].what]))),
    ),
  },
  { profile: 'none', latencyNs: null, hops: {}, service: {} },
);

export type SimSection = ReturnType<typeof simCheck>;

/** Without a profile or latencyNs, every hop takes this long (as before distributions). */
export const plainHopLatencyNs = 1000;

export interface TierService {
  /** Every delivery (null: none). */
  serviceNs: number | Distribution | null;
  /** By message type, before serviceNs. */
  serviceByType: Record<string, number | Distribution>;
}

export interface SimTimings {
  hops: Record<HopName, number | Distribution>;
  tiers: Record<ServiceKey['tier'], TierService>;
}

/** The latency of every hop and the service costs of every tier a `sim` section resolves to. */
export function simTimings(sim: SimSection): SimTimings {
  const profile = sim.profile === 'none' ? undefined : latencyProfiles[sim.profile];
  const hops = {} as Record<HopName, number | Distribution>;
  for (const h of hopNames) hops[h] = sim.hops[h] ?? sim.latencyNs ?? profile?.hops[h]?.value ?? plainHopLatencyNs;
  const tiers = {} as Record<ServiceKey['tier'], TierService>;
  for (const t of ['device', 'iommu', 'host', 'vmm', 'guest'] as const) tiers[t] = { serviceNs: null, serviceByType: {} };
  const apply = (from: Readonly<Record<string, number | Distribution>>): void => {
    for (const [key, value] of Object.entries(from)) {
      const k = serviceKeys[key as ServiceKeyName];
      if (k.messageType === null) tiers[k.tier] = { serviceNs: value, serviceByType: {} };
      else tiers[k.tier].serviceByType[k.messageType] = value;
    }
  };
  if (profile !== undefined) apply(Object.fromEntries(Object.entries(profile.service).map(([k, e]) => [k, e.value])));
  // The scenario's tier keys first (each drops the profile's finer keys of its tier), then its finer keys.
  apply(Object.fromEntries(Object.entries(sim.service).filter(([k]) => serviceKeys[k as ServiceKeyName].messageType === null)));
  apply(Object.fromEntries(Object.entries(sim.service).filter(([k]) => serviceKeys[k as ServiceKeyName].messageType !== null)));
  return { hops, tiers };
}

/** The largest single delay the timings declare (an open distribution's q0.999), for bounds that scale with them. */
export function largestTimingNs(t: SimTimings): number {
  const all = [...Object.values(t.hops), ...Object.values(t.tiers).flatMap((x) => [...(x.serviceNs === null ? [] : [x.serviceNs]), ...Object.values(x.serviceByType)])];
  return Math.max(0, ...all.map((d) => practicalMaxOf(d)));
}
