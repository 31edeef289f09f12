// Overrides (`--set path=value`, `--duration-ms`) go through the same schema and cross-checks
// as the file, applied to the document as written; errors name the option as written.

import { describe, expect, it } from 'vitest';
import { thrownMessage } from '../support/thrown.ts';
import { loadScenario, parseScenarioText, resolveScenario, shippedScenarios } from '../../src/scenario/load.ts';
import { parseSetOption, type ScenarioOverride } from '../../src/scenario/overrides.ts';

const set = (...texts: string[]): { overrides: ScenarioOverride[] } => ({ overrides: texts.map(parseSetOption) });
const message = thrownMessage;

describe('parseSetOption', () => {
  it.each([
    ['iommu.prqEntries=64', 'iommu.prqEntries', 64],
    ['durationMs=0x10', 'durationMs', 16],
    ['iommu.implicitInvalidation=false', 'iommu.implicitInvalidation', false],
    ['liveness.boundUs=null', 'liveness.boundUs', null],
    ['name=my-run', 'name', 'my-run'],
    ['description=two words', 'description', 'two words'],
    ['description="a: b"', 'description', 'a: b'],
    ['devices.0.pasids=[1, 2]', 'devices.0.pasids', [1, 2]],
    ['devices[0].pasids=[3]', 'devices.0.pasids', [3]],
    ['devices[1]={rid: 0x300, pasids: [1]}', 'devices.1', { rid: 0x300, pasids: [1] }],
    ['sim.latencyNs=', 'sim.latencyNs', null],
    ['marks=[a=b]', 'marks', ['a=b']],
  ])('%s', (text, path, value) => {
    expect(parseSetOption(text)).toEqual({ path, value, option: `--set ${text}` });
  });

  it.each([
    ['iommu.prqEntries', /--set iommu\.prqEntries: no '='; the form is --set path=value/],
    ['=5', /--set =5: no path before the =; the form is --set path=value/],
    ['iommu..prqEntries=5', /is not a path of keys separated by dots; the form is --set path=value/],
    ['devices[x].rid=5', /is not a path of keys/],
    ['a b=1', /is not a path of keys/],
    ['marks=[unclosed', /--set marks=\[unclosed: the value is not a YAML value .*; the form is --set path=value/],
    ['marks=[1]\n---\n[2]', /the value is not a YAML value/],
    [`marks=${'['.repeat(100)}`, /the value is not a YAML value \(.*nested more than/],
  ])('refuses %j with the form', (text, msg) => {
    const m = message(() => parseSetOption(text));
    expect(m).toMatch(/^FAULTLINE_CLI_OPTION: /);
    expect(m).toMatch(msg);
  });
});

describe('loading with overrides', () => {
  it('applies them to the document as written, before defaults, creating what is missing', () => {
    const { scenario } = loadScenario('vprq-overflow', set('iommu.prqEntries=64', 'devices.1.pasids=[7]', 'guest.unmapPages=3', 'devices.2={rid: 0x300, pasids: [1]}'));
    expect(scenario.iommu.prqEntries).toBe(64);
    expect(scenario.iommu.itagsMax).toBe(32); // the rest of the iommu block still gets its defaults
    expect(scenario.devices[1]!.pasids).toEqual([7]);
    expect(scenario.devices[2]).toMatchObject({ rid: 0x300, pasids: [1], priAllocation: 2048, vrid: null });
    expect(scenario.guest.unmapPages).toBe(3);
    const s = parseScenarioText('name: x\ndevices: [{rid: 1, pasids: [1]}]\n', 'x.yaml', set('threads.timeScale=10', 'events.0={atMs: 0.1, action: flr, device: 1}'));
    expect(s.threads).toEqual({ workers: 'each', timeScale: 10 });
    expect(s.events).toHaveLength(1);
    expect(parseScenarioText('', 'x.yaml', set('name=y', 'devices=[{rid: 1, ridOnly: true}]')).name).toBe('y');
  });

  it('later overrides win', () => {
    expect(loadScenario('vprq-overflow', set('durationMs=3', 'durationMs=4')).scenario.durationMs).toBe(4);
  });

  it.each([
    [['iommu.prqEntrie=64'], "--set iommu.prqEntrie=64: scenario.iommu.prqEntrie: unknown key (did you mean 'prqEntries'?)"],
    [['iommu.prqEntries=100'], '--set iommu.prqEntries=100: scenario.iommu.prqEntries: 100 is not a power of two; the PRQ needs one, e.g. 64 or 128'],
    [['vmm.vprqEntries=12'], '--set vmm.vprqEntries=12: scenario.vmm.vprqEntries: 12 is not a power of two'],
    [['vmm.readBatchRecords=1'], '--set vmm.readBatchRecords=1: scenario.vmm.readBatchRecords: 1 records per read() cannot hold one group'],
    [['devices.1.vrid=0x100'], '--set devices.1.vrid=0x100: scenario.devices[1].vrid: the guest would see RID 0x0100 for two devices'],
    [['bugs=[vprq-drop-leak-cookie]'], '--set bugs=[vprq-drop-leak-cookie]: scenario.bugs[0]: expected one of'],
    [['constructor=1'], '--set constructor=1: scenario.constructor: unknown key'],
    [['__proto__.durationMs=1'], '--set __proto__.durationMs=1: scenario.__proto__: unknown key'],
    [['workload.toString=1'], '--set workload.toString=1: scenario.workload.toString: unknown key'],
    [['durationMs.x=1'], "--set durationMs.x=1: scenario.durationMs: is 1, not an object or a list; cannot set 'x' in it"],
    [['devices.5.rid=1'], '--set devices.5.rid=1: scenario.devices: has 2 items; index 5 is past the end (use 0..1, or 2 to add one)'],
    [['devices.x=1'], "--set devices.x=1: scenario.devices: is a list; 'x' is not an index"],
    [['devices.2.rid=0x300'], '--set devices.2.rid=0x300: scenario.devices[2]: a device needs at least one PASID or ridOnly: true'],
    [['devices=[]'], '--set devices=[]: scenario.devices: expected a list of 1..256 items, got "0 items"'],
  ])('%j is refused naming the option and the path', (texts, expected) => {
    const m = message(() => loadScenario('vprq-overflow', set(...texts)));
    expect(m).toMatch(/^FAULTLINE_SCENARIO_INVALID: /);
    expect(m).toContain(expected);
  });

  it('a CLI option such as --duration-ms goes through the schema too, named as the user wrote it', () => {
    const durationMs = (v: unknown): ScenarioOverride[] => [{ path: 'durationMs', value: v, option: `--duration-ms ${String(v)}` }];
    expect(message(() => loadScenario('vprq-overflow', { overrides: durationMs(0) }))).toBe(
      'FAULTLINE_SCENARIO_INVALID: --duration-ms 0: scenario.durationMs: expected an integer in 1..3600000, got 0',
    );
    expect(message(() => loadScenario('vprq-overflow', { overrides: durationMs(-5) }))).toContain('--duration-ms -5: scenario.durationMs: expected an integer in 1..3600000, got -5');
    expect(loadScenario('vprq-overflow', { overrides: durationMs(7) }).scenario.durationMs).toBe(7);
  });

  it('an error elsewhere in the file keeps its line and column, and says which overrides were applied', () => {
    const m = message(() => parseScenarioText('name: x\ndevices: [{rid: 1, pasids: [1]}]\nworkload: {pages: 10}\n', 'x.yaml', set('durationMs=5')));
    expect(m).toBe('FAULTLINE_SCENARIO_INVALID: x.yaml:3:11: scenario.workload.mappablePages: 3968 is more than the 10 pages the workload touches; use at most 10 (with --set durationMs=5)');
  });
});

describe('resolveScenario', () => {
  it('is idempotent on every shipped scenario: resolve(resolve(x)) equals resolve(x) equals the loaded x', () => {
    for (const name of shippedScenarios()) {
      const { scenario } = loadScenario(name);
      const once = resolveScenario(scenario);
      expect(once, name).toEqual(scenario);
      expect(resolveScenario(once), name).toEqual(once);
      expect(once).not.toBe(scenario);
    }
  });

  it('applies overrides to a resolved scenario with the same checks and messages, leaving the input alone', () => {
    const { scenario } = loadScenario('vprq-overflow');
    const changed = resolveScenario(scenario, set('iommu.prqEntries=64', 'threads.workers=2').overrides);
    expect(changed.iommu.prqEntries).toBe(64);
    expect(changed.threads.workers).toBe(2);
    expect(scenario.iommu.prqEntries).toBe(2048);
    expect(message(() => resolveScenario(scenario, set('iommu.prqEntrie=64').overrides))).toBe(
      "FAULTLINE_SCENARIO_INVALID: --set iommu.prqEntrie=64: scenario.iommu.prqEntrie: unknown key (did you mean 'prqEntries'?); allowed: prqEntries, overflowAutoResponse, implicitInvalidation, iotlbEntries, itagsMax, atcInvTimeoutNs, atsLatencyNs, iotlbInvLatencyNs, userPasidTable",
    );
    expect(message(() => resolveScenario(scenario, [{ path: 'durationMs', value: 0, option: '--duration-ms 0' }]))).toContain('--duration-ms 0: scenario.durationMs: expected an integer in 1..');
  });
});
