// The scenario's workload forms: arrival processes, patterns and group-size distributions are
// checked with their path (did-you-mean for names), resolved for the device tier, and a trace
// file is read relative to the scenario file and checked row by row with file:line errors.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveTierConfigs } from '../../src/scenario/derive.ts';
import { loadScenario, parseScenarioText, resolveScenario } from '../../src/scenario/load.ts';
import { parseSetOption } from '../../src/scenario/overrides.ts';
import { scenarioSets } from '../../src/scenario/scenario-diff.ts';

const head = 'name: x\ndevices:\n  - { name: gpu0, rid: 1, pasids: [1, 2] }\n  - { name: nic0, rid: 2, ridOnly: true }\n';
const err = (text: string): string => {
  try {
    deriveTierConfigs(parseScenarioText(text, 's.yaml'));
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
const workload = (w: string): string => `${head}workload: ${w}\n`;

describe('workload.arrival', () => {
  it('defaults to the closed loop, which gives the device no arrival config', () => {
    const s = parseScenarioText(head, 's.yaml');
    expect(s.workload.arrival).toEqual({ process: 'closed' });
    expect(deriveTierConfigs(s).device.workload.arrival).toBeUndefined();
  });

  it('resolves each open-loop process with per: space by default', () => {
    const s = parseScenarioText(workload('{ arrival: { process: onoff, ratePerSec: 1000, onMeanNs: 10, offMeanNs: 20 }, backlogMax: 9 }'), 's.yaml');
    const w = deriveTierConfigs(s).device.workload;
    expect(w.arrival).toEqual({ process: 'onoff', ratePerSec: 1000, onMeanNs: 10, offMeanNs: 20, per: 'space' });
    expect(w.backlogMax).toBe(9);
  });

  it('names the key and what would work: a misspelt process, a negative rate, a missing rate, a key of another process', () => {
    expect(err(workload('{ arrival: { process: poisons, ratePerSec: 5 } }'))).toMatch(/scenario\.workload\.arrival\.process: expected one of 'closed', 'poisson'.*did you mean 'poisson'/);
    expect(err(workload('{ arrival: { process: poisson, ratePerSec: -5 } }'))).toMatch(
      /s\.yaml:\d+:\d+: scenario\.workload\.arrival\.ratePerSec: expected a positive number of arrivals per second.*got -5/,
    );
    expect(err(workload('{ arrival: { process: constant } }'))).toMatch(/scenario\.workload\.arrival\.ratePerSec: required for process 'constant' is missing/);
    expect(err(workload('{ arrival: { process: poisson, ratePerSec: 5, onMeanNs: 3 } }'))).toMatch(/arrival\.onMeanNs: unknown key for process 'poisson' \(onMeanNs belongs to process onoff\)/);
    expect(err(workload('{ arrival: { process: poisson, ratePerSec: 5, per: device } }'))).toMatch(/arrival\.per: expected 'space'.*or 'function'/);
  });
});

describe('the --set lines a replay carries for a changed workload', () => {
  it('set a form whose process, kind or dist changed whole, and re-create the run scenario', () => {
    const base = parseScenarioText(workload('{ arrival: { process: poisson, ratePerSec: 5 }, pattern: { kind: zipf, skew: 2 }, pagesPerGroup: { dist: uniform, min: 1, max: 2 } }'), 's.yaml');
    const changed = resolveScenario(base, [
      parseSetOption('workload.arrival={process: closed}'),
      parseSetOption('workload.pattern={kind: strided, stride: 3}'),
      parseSetOption('workload.pagesPerGroup={dist: exponential, mean: 2}'),
    ]);
    const sets = scenarioSets(base, changed);
    expect(sets).toEqual(['workload.pattern={"kind":"strided","stride":3}', 'workload.pagesPerGroup={"dist":"exponential","mean":2}', 'workload.arrival={"process":"closed"}']);
    expect(resolveScenario(base, sets.map(parseSetOption))).toEqual(changed);
    // Same process: only the changed key.
    const faster = resolveScenario(base, [parseSetOption('workload.arrival.ratePerSec=9')]);
    expect(scenarioSets(base, faster)).toEqual(['workload.arrival.ratePerSec=9']);
  });
});

describe('workload.pattern and pagesPerGroup', () => {
  it('keeps random as uniform, fills a bare name with its defaults, takes parameters in the object form', () => {
    const pattern = (p: string) => deriveTierConfigs(parseScenarioText(workload(`{ pattern: ${p} }`), 's.yaml')).device.workload.pattern;
    expect(pattern('random')).toEqual({ kind: 'uniform' });
    expect(pattern('uniform')).toEqual({ kind: 'uniform' });
    expect(pattern('zipf')).toEqual({ kind: 'zipf', skew: 1 });
    expect(pattern('{ kind: hotset, hotFraction: 0.2 }')).toEqual({ kind: 'hotset', hotFraction: 0.2, hotProbability: 0.9 });
    expect(pattern('{ kind: strided, stride: 3 }')).toEqual({ kind: 'strided', stride: 3 });
  });

  it('refuses an unknown pattern, a parameter of another kind and a skew of 0', () => {
    expect(err(workload('{ pattern: zipff }'))).toMatch(/scenario\.workload\.pattern: expected one of 'sequential'.*did you mean 'zipf'/);
    expect(err(workload('{ pattern: { kind: zipf, stride: 2 } }'))).toMatch(/scenario\.workload\.pattern\.stride: unknown key for pattern 'zipf'/);
    expect(err(workload('{ pattern: { kind: zipf, skew: 0 } }'))).toMatch(/scenario\.workload\.pattern\.skew: expected a positive number/);
  });

  it('takes a group-size distribution, checked against the credits and queues by its largest group', () => {
    const s = parseScenarioText(workload('{ pagesPerGroup: { dist: uniform, min: 1, max: 8 } }'), 's.yaml');
    expect(deriveTierConfigs(s).device.workload.pagesPerGroup).toEqual({ dist: 'uniform', min: 1, max: 8 });
    expect(err(`${workload('{ pagesPerGroup: { dist: uniform, min: 1, max: 8 } }')}iommu: { prqEntries: 8 }\n`)).toMatch(
      /scenario\.iommu\.prqEntries: a 8-entry PRQ holds 7 requests, fewer than one group of workload\.pagesPerGroup = 8/,
    );
    expect(err(workload('{ pagesPerGroup: { dist: uniform, min: 1, max: 80 } }'))).toMatch(/scenario\.workload\.pagesPerGroup\.max: expected a number in 1\.\.64/);
  });
});

describe('a trace file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-trace-'));
  mkdirSync(join(dir, 'traces'));
  const scenarioAt = (csv: string, name = 'ok'): string => {
    writeFileSync(join(dir, 'traces', `${name}.csv`), csv);
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `${head}workload: { arrival: { process: trace, file: traces/${name}.csv }, pages: 64, mappablePages: 64 }\n`);
    return file;
  };
  const loadErr = (csv: string, name: string): string => {
    try {
      loadScenario(scenarioAt(csv, name));
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it('is read relative to the scenario file and its rows go to the device tier by address space', () => {
    const file = scenarioAt('timeNs,device,pasid,address,access\n# a comment\n100,gpu0,2,0x3000,w\n\n250,nic0,,8192,r\n');
    const { scenario } = loadScenario(file);
    expect(scenario.workload.arrival).toEqual({ process: 'trace', file: join(dir, 'traces', 'ok.csv') });
    const w = deriveTierConfigs(scenario).device.workload;
    // Spaces: gpu0/1 (asid 0), gpu0/2 (1), nic0 RID-only (2).
    expect(w.arrival).toEqual({
      process: 'trace',
      rows: [
        { timeNs: 100, asid: 1, page: 3, write: true },
        { timeNs: 250, asid: 2, page: 2, write: false },
      ],
    });
    // Resolving again (a sweep point, a replay) finds the same file.
    expect(resolveScenario(scenario)).toEqual(scenario);
  });

  it('a bad row is refused with the file and line, naming the column and what would work', () => {
    expect(loadErr('100,gpu0,1,0x1000,x\n', 'access')).toMatch(/access\.csv:1: access: expected r or w, got "x"/);
    expect(loadErr('100,gpu0,1,0x1000\n', 'cols')).toMatch(/cols\.csv:1: expected 5 columns \(timeNs,device,pasid,address,access\), got 4/);
    expect(loadErr('100,gpu1,1,0,r\n', 'dev')).toMatch(/dev\.csv:1: device: no scenario device is named "gpu1" \(did you mean 'gpu0'\?\)/);
    expect(loadErr('100,gpu0,,0,r\n', 'ridonly')).toMatch(/ridonly\.csv:1: pasid: empty \(RID only\), but device gpu0 is not ridOnly/);
    expect(loadErr('100,gpu0,7,0,r\n', 'pasid')).toMatch(/pasid\.csv:1: pasid: 7 is not a PASID of device gpu0; it has 1, 2/);
    expect(loadErr('100,gpu0,1,0x40000,r\n', 'addr')).toMatch(/addr\.csv:1: address: 0x40000 is page 64, beyond the workload's 64 pages/);
    expect(loadErr('100,gpu0,1,0,r\n50,gpu0,1,0,r\n', 'order')).toMatch(/order\.csv:2: timeNs: 50 is before the previous row's 100/);
    expect(loadErr('-1,gpu0,1,0,r\n', 'time')).toMatch(/time\.csv:1: timeNs: expected a whole number of ns, got "-1"/);
  });

  it('a missing file is refused at the key, with the scenario file and line', () => {
    const file = join(dir, 'missing.yaml');
    writeFileSync(file, `${head}workload: { arrival: { process: trace, file: nope.csv } }\n`);
    expect(() => loadScenario(file)).toThrow(/missing\.yaml:\d+:\d+: scenario\.workload\.arrival\.file: cannot read trace file .*nope\.csv: ENOENT/);
    expect(() => loadScenario(file, { overrides: [parseSetOption('workload.arrival.file=also-nope.csv')] })).toThrow(
      /--set workload\.arrival\.file=also-nope\.csv: scenario\.workload\.arrival\.file: cannot read trace file .*also-nope\.csv/,
    );
  });
});
