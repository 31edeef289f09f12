// The scenario's sim section: hop latencies and service costs as distributions, per hop and per
// kind of work, the calibrated profile, how they resolve into the topology, and what a bad key
// or value is told.
import { describe, expect, it } from 'vitest';
import { thrownMessage } from '../support/thrown.ts';
import { latencyProfiles, mainlineX86 } from '../../src/config/latency-profile.ts';
import { messageSpecs } from '../../src/protocol/messages.ts';
import { replayLine } from '../../src/runtime/nested-run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import { parseSetOption } from '../../src/scenario/overrides.ts';
import { hopNames, serviceKeyNames, serviceKeys, simCheck, simTimings } from '../../src/scenario/sim-timing.ts';

const set = (...texts: string[]) => ({ overrides: texts.map(parseSetOption) });
const sim = (v: unknown) => simCheck(v, 'scenario.sim');
const message = thrownMessage;

describe('the sim section', () => {
  it('names every channel of the nested topology, and every service key a message type its tier receives', () => {
    const { topology } = nestedTopology(loadScenario('default-storm').scenario);
    expect(topology.channels.map((c) => c.name).sort()).toEqual([...hopNames].sort());
    for (const k of serviceKeyNames) {
      const { messageType, tier } = serviceKeys[k];
      if (messageType === null) continue;
      expect(Object.keys(messageSpecs)).toContain(messageType);
      expect(topology.channels.some((c) => c.to === tier)).toBe(true);
    }
  });

  it('without any key every hop takes 1000 ns and no tier has a service cost (as before distributions)', () => {
    const t = simTimings(sim({}));
    expect(Object.values(t.hops)).toEqual(hopNames.map(() => 1000));
    expect(Object.values(t.tiers).every((x) => x.serviceNs === null && Object.keys(x.serviceByType).length === 0)).toBe(true);
  });

  it('resolves a hop from hops, then latencyNs, then the profile', () => {
    const t = simTimings(sim({ profile: 'mainline-x86', latencyNs: { dist: 'exponential', mean: 800 }, hops: { 'iommu->host': 2000 } }));
    expect(t.hops['iommu->host']).toBe(2000);
    expect(t.hops['dev->iommu']).toEqual({ dist: 'exponential', mean: 800 });
    expect(simTimings(sim({ profile: 'mainline-x86' })).hops['dev->iommu']).toEqual(mainlineX86.hops['dev->iommu']!.value);
  });

  it('a tier key replaces the profile costs of that tier; a finer key wins over its tier', () => {
    const t = simTimings(sim({ profile: 'mainline-x86', service: { guest: 3000, prqDescriptor: { dist: 'uniform', min: 500, max: 1500 } } }));
    expect(t.tiers.guest).toEqual({ serviceNs: 3000, serviceByType: {} });
    expect(t.tiers.host.serviceByType['prq.desc']).toEqual({ dist: 'uniform', min: 500, max: 1500 });
    expect(t.tiers.host.serviceByType['prq.irq']).toEqual(mainlineX86.service.prqInterrupt!.value);
    const { topology } = nestedTopology({ ...loadScenario('default-storm').scenario, sim: sim({ service: { vmm: 700, vmmPollWake: 2000 } }) });
    const vmm = topology.actors.find((a) => a.name === 'vmm')!;
    expect(vmm.serviceNs).toBe(700);
    expect(vmm.serviceByType).toEqual({ 'ufd.pollin': 2000 });
  });

  it('every number of every profile names its source and uses keys the scenario knows', () => {
    for (const p of Object.values(latencyProfiles)) {
      for (const h of Object.keys(p.hops)) expect(hopNames).toContain(h);
      for (const k of Object.keys(p.service)) expect(serviceKeyNames).toContain(k);
      for (const e of [...Object.values(p.hops), ...Object.values(p.service)]) expect(e.source).toMatch(/^(measured|derived|estimate): .{40,}/);
    }
  });

  it('takes distributions from --set, and a run with them replays from its line', () => {
    const { scenario } = loadScenario('vprq-overflow', set('sim.latencyNs={dist: exponential, mean: 1000}', 'sim.service.guestDescriptor={dist: uniform, min: 100, max: 900}'));
    expect(scenario.sim.latencyNs).toEqual({ dist: 'exponential', mean: 1000 });
    const line = replayLine(scenario, 3);
    expect(line).toContain('--set sim.latencyNs={"dist":"exponential","mean":1000}');
    const sets = [...line.matchAll(/--set (\S+)/g)].map((m) => m[1]!);
    expect(loadScenario('vprq-overflow', set(...sets)).scenario.sim).toEqual(scenario.sim);
    // one distribution changed into another kind is set whole, not key by key
    const other = loadScenario('vprq-overflow', set('sim.latencyNs={dist: exponential, mean: 1000}')).scenario;
    const changed = { ...other, sim: { ...other.sim, latencyNs: { dist: 'uniform' as const, min: 1, max: 2 } } };
    expect(replayLine(changed, 1, 'vprq-overflow')).toContain('--set sim.latencyNs={"dist":"uniform","min":1,"max":2}');
  });

  it('refuses a bad key or value naming the path and what would work', () => {
    expect(message(() => sim({ hops: { 'dev->iomu': 5 } }))).toMatch(/scenario\.sim\.hops\.dev->iomu: unknown key \(did you mean 'dev->iommu'\?\)/);
    expect(message(() => sim({ service: { gust: 5 } }))).toMatch(/scenario\.sim\.service\.gust: unknown key \(did you mean 'guest'\?\); allowed: device, iommu/);
    expect(message(() => sim({ service: { guest: { dist: 'exponential', mean: -1 } } }))).toMatch(/scenario\.sim\.service\.guest\.mean/);
    expect(message(() => sim({ profile: 'mainline' }))).toMatch(/scenario\.sim\.profile.*mainline-x86/);
    expect(message(() => loadScenario('vprq-overflow', set('sim.hops.host->vmm={dist: unifrom, min: 1, max: 2}')))).toMatch(/sim\.hops\.host->vmm\.dist.*did you mean 'uniform'/);
  });
});
