// The scenario timeline key (src/scenario/events.ts): validated with paths, resolved against
// the devices, handed to the tier that executes each action.

import { describe, expect, it } from 'vitest';
import { deriveTierConfigs } from '../../src/scenario/derive.ts';
import { loadScenario, parseScenarioText } from '../../src/scenario/load.ts';

const base = `name: t
devices:
  - { name: pf, rid: 0x100, pasids: [1, 2] }
  - { name: vf, rid: 0x101, pfRid: 0x100, pasids: [3] }
`;

describe('scenario events', () => {
  it('defaults to no events, and gives each tier its actions with the device resolved', () => {
    expect(parseScenarioText(base, 'x.yaml').events).toEqual([]);
    const s = parseScenarioText(
      `${base}events:
  - { atMs: 0.5, action: replaceHwpt, device: pf }
  - { atMs: 1, action: flr, device: 0x101 }
  - { atMs: 2, action: guestFailure, device: vf, count: 3 }
`,
      'x.yaml',
    );
    const t = deriveTierConfigs(s);
    expect(t.vmm.events![0]).toEqual({ atNs: 500_000, action: 'replaceHwpt', rid: 0x100, pasid: 1, count: 1 });
    expect(t.host.events![1]).toMatchObject({ action: 'flr', rid: 0x101 });
    expect(t.guest.events![2]).toMatchObject({ action: 'guestFailure', rid: 0x101, count: 3 });
  });

  it.each([
    ['{ atMs: 1, action: explode, device: pf }', /scenario\.events\[0\]\.action: expected one of/],
    ['{ atMs: -1, action: flr, device: pf }', /scenario\.events\[0\]\.atMs/],
    ['{ atMs: 1, action: flr, device: pf, when: 3 }', /scenario\.events\[0\]\.when: unknown key/],
  ])('rejects %s with its path', (e, msg) => {
    expect(() => parseScenarioText(`${base}events:\n  - ${e}\n`, 'x.yaml')).toThrow(msg);
  });

  it.each([
    ['{ atMs: 1, action: flr, device: nope }', /events\[0\]\.device: no device "nope"/],
    ['{ atMs: 1, action: flr }', /events\[0\]\.device: action 'flr' needs a device/],
    ['{ atMs: 1, action: vfResponseFailure, device: pf }', /events\[0\]\.device: vfResponseFailure needs a VF/],
    ['{ atMs: 1, action: destroyHwpt, device: pf, pasid: 9 }', /events\[0\]\.pasid: device 'pf' has no PASID 9/],
  ])('cross-checks %s against the devices', (e, msg) => {
    const s = parseScenarioText(`${base}events:\n  - ${e}\n`, 'x.yaml');
    expect(() => deriveTierConfigs(s)).toThrow(msg);
  });

  it('every shipped teardown scenario declares marks and a one-line description', () => {
    for (const n of ['replace-with-pending', 'fault-fd-close-pending', 'device-reset', 'guest-response-failure', 'vf-response-failure']) {
      const { scenario } = loadScenario(n);
      expect(scenario.events.length, n).toBeGreaterThan(0);
      expect(scenario.marks.length, n).toBeGreaterThan(0);
      expect(scenario.description, n).toMatch(/^[^\n]+$/);
      deriveTierConfigs(scenario);
    }
  });
});
