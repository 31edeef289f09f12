// Every cross-field rule (src/scenario/cross-checks.ts) refuses a scenario breaking it at
// load, naming the key, the value and what would work; and deriveTierConfigs refuses the same
// scenario changed in code, so no actor is ever the first to reject a configuration.

import { describe, expect, it } from 'vitest';
import { deriveTierConfigs } from '../../src/scenario/derive.ts';
import { loadScenario, parseScenarioText } from '../../src/scenario/load.ts';

const two = 'name: x\ndevices:\n  - { name: a, rid: 0x100, pasids: [1, 2] }\n  - { name: b, rid: 0x200, pasids: [1] }\n';
const one = 'name: x\ndevices:\n  - { rid: 0x100, pasids: [1] }\n';

const cases: [rule: string, text: string, message: RegExp][] = [
  ['unique RID', `${two}  - { rid: 0x100, pasids: [3] }\n`, /x\.yaml:5:\d+: scenario\.devices\[2\]\.rid: RID 0x0100 is used by another device \(devices\[0\]\); every function needs its own RID/],
  ['unique dev_id', `${two}  - { rid: 0x300, pasids: [3], devId: 1 }\n`, /scenario\.devices\[2\]\.devId: dev_id 1 is used by another device \(devices\[0\]\); give each device its own devId/],
  [
    'unique guest-visible RID (vrid)',
    `${two}  - { rid: 0x300, vrid: 0x200, pasids: [3] }\n`,
    /x\.yaml:5:\d+: scenario\.devices\[2\]\.vrid: the guest would see RID 0x0200 for two devices \(devices\[1\] and devices\[2\]\); give each a distinct vrid/,
  ],
  [
    'unique guest-visible RID (default vrid)',
    'name: x\ndevices:\n  - { rid: 0x100, vrid: 0x200, pasids: [1] }\n  - { rid: 0x200, pasids: [1] }\n',
    /scenario\.devices\[1\]\.rid: the guest would see RID 0x0200 for two devices/,
  ],
  ['unique device names', `${two}  - { name: a, rid: 0x300, pasids: [3] }\n`, /scenario\.devices\[2\]\.name: name "a" is used by another device \(devices\[0\]\); timeline events name devices/],
  ['a PASID or ridOnly', `${one}  - { rid: 0x300 }\n`, /scenario\.devices\[1\]: a device needs at least one PASID or ridOnly: true/],
  ['distinct PASIDs', 'name: x\ndevices:\n  - { rid: 1, pasids: [1, 2, 1] }\n', /x\.yaml:3:\d+: scenario\.devices\[0\]\.pasids\[2\]: PASID 1 is listed twice/],
  [
    'priAllocation holds a group',
    `${one}workload: { pagesPerGroup: 4 }\ndevices:\n  - { rid: 1, pasids: [1], priAllocation: 3 }\n`.replace(one, 'name: x\n'),
    /scenario\.devices\[0\]\.priAllocation: 3 credits cannot hold one group of workload\.pagesPerGroup = 4 requests; use at least 4/,
  ],
  ['a VF names an existing PF', `${one}  - { rid: 0x101, pfRid: 0x900, pasids: [1] }\n`, /scenario\.devices\[1\]\.pfRid: no physical function with RID 0x0900 in the scenario/],
  [
    'a VF names a PF, not a VF',
    `${one}  - { rid: 0x101, pfRid: 0x100, pasids: [1] }\n  - { rid: 0x102, pfRid: 0x101, pasids: [1] }\n`,
    /scenario\.devices\[2\]\.pfRid: no physical function with RID 0x0101/,
  ],
  ['PRQ entries a power of two', `${one}iommu: { prqEntries: 100 }\n`, /x\.yaml:4:22: scenario\.iommu\.prqEntries: 100 is not a power of two; the PRQ needs one, e\.g\. 64 or 128/],
  ['vPRQ entries a power of two', `${one}vmm: { vprqEntries: 12 }\n`, /scenario\.vmm\.vprqEntries: 12 is not a power of two; the virtual PRQ needs one, e\.g\. 8 or 16/],
  [
    'a group fits the PRQ',
    `${one}workload: { pagesPerGroup: 4 }\niommu: { prqEntries: 4 }\n`,
    /scenario\.iommu\.prqEntries: a 4-entry PRQ holds 3 requests, fewer than one group of workload\.pagesPerGroup = 4: every group would overflow it and never be answered; use at least 8/,
  ],
  [
    'a group fits the vPRQ',
    `${one}workload: { pagesPerGroup: 2 }\nvmm: { vprqEntries: 2 }\n`,
    /scenario\.vmm\.vprqEntries: a 2-entry virtual PRQ holds 1 requests, fewer than one group of workload\.pagesPerGroup = 2.*use at least 4/,
  ],
  [
    'a read holds a group',
    `${one}workload: { pagesPerGroup: 4 }\nvmm: { readBatchRecords: 3 }\n`,
    /scenario\.vmm\.readBatchRecords: 3 records per read\(\) cannot hold one group of workload\.pagesPerGroup = 4 requests \(iommufd reads whole groups\), so no fault could ever be read; use at least 4/,
  ],
  [
    'mappable pages within the touched ones',
    `${one}workload: { pages: 10, mappablePages: 20 }\n`,
    /scenario\.workload\.mappablePages: 20 is more than the 10 pages the workload touches; use at most 10/,
  ],
  [
    'page tables within 2^26 entries',
    `name: x\ndevices:\n  - { rid: 1, pasids: [${Array.from({ length: 64 }, (_, i) => i + 1).join(', ')}] }\n  - { rid: 2, pasids: [${Array.from({ length: 64 }, (_, i) => i + 1).join(', ')}] }\nworkload: { pages: 1048576, mappablePages: 1 }\n`,
    /scenario\.workload\.pages: 128 address spaces × 1048576 pages needs more than 2\^26 page table entries; touch at most 524288 pages/,
  ],
  [
    'rings within the transport',
    `name: x\ndevices:\n${Array.from({ length: 256 }, (_, i) => `  - { rid: ${i + 1}, pasids: [1], priAllocation: 65535 }`).join('\n')}\n`,
    /scenario\.devices\[0\]\.priAllocation: the devices' page requests in flight .* need a 67108864-message ring, more than the 16777216 a ring holds; lower priAllocation \(a function has at most 512 groups outstanding, so 512 credits are all it can use\)/,
  ],
  [
    'an ATC invalidation a device ignores needs a time-out',
    `${one}  - { rid: 0x300, pasids: [1], ignoresAtcInv: true }\niommu: { atcInvTimeoutNs: 0 }\n`,
    /scenario\.iommu\.atcInvTimeoutNs: 0 \(never\) with devices\[1\]\.ignoresAtcInv: the IOMMU would wait for ever/,
  ],
  ['timeline device exists', `${two}events:\n  - { atMs: 1, action: flr, device: nope }\n`, /x\.yaml:6:\d+: scenario\.events\[0\]\.device: no device "nope" in the scenario/],
  ['timeline PASID exists', `${two}events:\n  - { atMs: 1, action: destroyHwpt, device: b, pasid: 9 }\n`, /scenario\.events\[0\]\.pasid: device 'b' has no PASID 9/],
  ['timeline window ends after it starts', `${two}events:\n  - { atMs: 1, action: pauseGuest, untilMs: 0.5 }\n`, /scenario\.events\[0\]\.untilMs: 0\.5 must be after atMs \(1\)/],
];

describe('cross-field rules are checked at load', () => {
  it.each(cases)('%s', (_, text, message) => {
    let got = 'no error';
    try {
      parseScenarioText(text, 'x.yaml');
    } catch (e) {
      got = (e as Error).message;
    }
    expect(got).toMatch(/^FAULTLINE_SCENARIO_INVALID: x\.yaml:\d+:\d+: scenario\./);
    expect(got).toMatch(message);
  });

  it('and again by deriveTierConfigs, for a scenario changed in code after loading', () => {
    const { scenario } = loadScenario('vprq-overflow');
    scenario.iommu.prqEntries = 24;
    expect(() => deriveTierConfigs(scenario)).toThrow(/scenario\.iommu\.prqEntries: 24 is not a power of two/);
    scenario.iommu.prqEntries = 32;
    scenario.vmm.readBatchRecords = 1;
    expect(() => deriveTierConfigs(scenario)).toThrow(/scenario\.vmm\.readBatchRecords: 1 records per read\(\)/);
  });

  it('the boundaries themselves are accepted', () => {
    expect(() =>
      parseScenarioText(
        `${one}workload: { pagesPerGroup: 4 }\niommu: { prqEntries: 8 }\nvmm: { vprqEntries: 8, readBatchRecords: 4 }\ndevices:\n  - { rid: 1, pasids: [1], priAllocation: 4 }\n`.replace(
          one,
          'name: x\n',
        ),
        'x.yaml',
      ),
    ).not.toThrow();
    expect(() => parseScenarioText(`name: x\ndevices:\n${Array.from({ length: 256 }, (_, i) => `  - { rid: ${i + 1}, pasids: [1], priAllocation: 16384 }`).join('\n')}\n`, 'x.yaml')).not.toThrow();
  });
});
