import { describe, expect, it } from 'vitest';
import { deriveTierConfigs } from '../../src/scenario/derive.ts';
import { loadScenario, parseScenarioText, shippedScenarios } from '../../src/scenario/load.ts';

const err = (text: string, file = 's.yaml'): string => {
  try {
    deriveTierConfigs(parseScenarioText(text, file));
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('scenario files', () => {
  it('every shipped scenario loads and derives tier configs', () => {
    expect(shippedScenarios()).toContain('default-storm');
    for (const name of shippedScenarios()) {
      const { scenario } = loadScenario(name);
      expect(deriveTierConfigs(scenario).spaces.length).toBeGreaterThan(0);
    }
  });

  it('the default is one VM with 4 devices x 4 PASIDs for about ten seconds', () => {
    const { scenario } = loadScenario();
    expect(scenario.devices).toHaveLength(4);
    expect(scenario.devices.every((d) => d.pasids.length === 4)).toBe(true);
    expect(scenario.durationMs).toBe(10_000);
  });

  it('rejects a wrong key with its path and a suggestion', () => {
    expect(err('name: x\ndevices: [{rid: 1, pasid: [1]}]')).toMatch(/s\.yaml:2:20: scenario\.devices\[0\]\.pasid: unknown key \(did you mean 'pasids'\?\)/);
  });

  it('rejects a wrong value with its path and what was expected', () => {
    expect(err('name: x\ndevices: [{rid: 70000, pasids: [1]}]')).toMatch(/scenario\.devices\[0\]\.rid: expected an integer in 0\.\.65535, got 70000/);
    expect(err('name: x\ndevices: [{rid: 1, pasids: [1]}]\nworkload: {pattern: zigzag}')).toMatch(/scenario\.workload\.pattern: expected one of 'sequential', 'uniform', 'random'/);
    expect(err('name: x\ndevices: [{rid: 1, pasids: [1]}]\nbugs: [nope]')).toMatch(/scenario\.bugs\[0\]: expected one of/);
    expect(err('devices: [{rid: 1, pasids: [1]}]')).toMatch(/scenario\.name: required key is missing/);
  });

  it('rejects what no single key can: duplicate RIDs, a VF without its PF, more mappable pages than touched', () => {
    expect(err('name: x\ndevices: [{rid: 1, pasids: [1]}, {rid: 1, pasids: [2]}]')).toMatch(/devices\[1\]\.rid: RID 0x0001 is used by another device/);
    expect(err('name: x\ndevices: [{rid: 2, pfRid: 9, pasids: [1]}]')).toMatch(/pfRid: no physical function with RID 0x0009/);
    expect(err('name: x\ndevices: [{rid: 1, pasids: [1]}]\nworkload: {pages: 10, mappablePages: 20}')).toMatch(/mappablePages: 20 is more than the 10 pages/);
    expect(err('name: x\ndevices: [{rid: 1}]')).toMatch(/needs at least one PASID or ridOnly: true/);
  });

  it('reports YAML and JSON syntax errors with the file name', () => {
    expect(err('name: [unclosed', 'bad.yaml')).toMatch(/bad\.yaml:1:\d+: not valid YAML/);
    expect(err('{"name": ', 'bad.json')).toMatch(/bad\.json:1:\d+: not valid JSON/);
    expect(() => loadScenario('no-such-scenario')).toThrow(/no scenario file 'no-such-scenario'.*shipped: .*default-storm/);
  });

  it('gives the line and column of the key at fault for every schema and cross-field error', () => {
    const text = 'name: x\ndevices:\n  - { rid: 1, pasids: [1] }\n  - { rid: 1, pasids: [2] }\niommu:\n  prqEntries: 100\nworkload:\n  pattern: zigzag\n';
    expect(err(text)).toMatch(/^FAULTLINE_SCENARIO_INVALID: s\.yaml:8:12: scenario\.workload\.pattern: expected one of/);
    expect(err(text.replace('zigzag', 'random'))).toMatch(/^FAULTLINE_SCENARIO_INVALID: s\.yaml:4:12: scenario\.devices\[1\]\.rid: RID 0x0001 is used by another device/);
    expect(err(text.replace('rid: 1, pasids: [2]', 'rid: 2, pasids: [2]').replace('zigzag', 'random'))).toMatch(
      /^FAULTLINE_SCENARIO_INVALID: s\.yaml:6:15: scenario\.iommu\.prqEntries: 100 is not a power of two/,
    );
    // A key that is not written points at the nearest written ancestor; a missing required key at its map.
    expect(err('name: x\ndevices: [{rid: 1, pasids: [1]}]\nworkload:\n  pages: 10\n')).toMatch(/s\.yaml:4:3: scenario\.workload\.mappablePages: 3968 is more than the 10 pages/);
    expect(err('devices: [{rid: 1, pasids: [1]}]\n')).toMatch(/s\.yaml:1:1: scenario\.name: required key is missing/);
    expect(err('{"name": "x",\n "devices": [{"rid": 1, "pasids": [1]}],\n "vmm": {"vprqEntries": 12}}', 's.json')).toMatch(/s\.json:3:25: scenario\.vmm\.vprqEntries: 12 is not a power of two/);
  });
});
