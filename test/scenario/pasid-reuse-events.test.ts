// Timeline action pasidReuse (issue 4, PASID lifecycle): validated, resolved to the device's
// PASID, run by the host, with the Stop Marker choice carried through.

import { describe, expect, it } from 'vitest';
import { deriveTierConfigs } from '../../src/scenario/derive.ts';
import { parseScenarioText } from '../../src/scenario/load.ts';

const base = `name: t
devices:
  - { name: pf, rid: 0x100, pasids: [1, 2] }
  - { name: plain, rid: 0x200, ridOnly: true }
`;

describe('scenario event pasidReuse', () => {
  it('goes to the host with the PASID (default: the first) and stopMarker (default: false)', () => {
    const s = parseScenarioText(
      `${base}events:
  - { atMs: 0.5, action: pasidReuse, device: pf, pasid: 2, stopMarker: true }
  - { atMs: 1, action: pasidReuse, device: pf }
`,
      'x.yaml',
    );
    const t = deriveTierConfigs(s);
    expect(t.host.events).toEqual([
      { atNs: 500_000, action: 'pasidReuse', rid: 0x100, pasid: 2, count: 1, stopMarker: true },
      { atNs: 1_000_000, action: 'pasidReuse', rid: 0x100, pasid: 1, count: 1, stopMarker: false },
    ]);
    expect(t.host.pagesPerAsid).toBe(s.workload.pages);
  });

  it.each([
    ['{ atMs: 1, action: pasidReuse, device: plain }', /scenario\.events\[0\]\.pasid: pasidReuse needs a device with a PASID/],
    ['{ atMs: 1, action: pasidReuse, device: pf, pasid: 7 }', /scenario\.events\[0\]\.pasid: device 'pf' has no PASID 7/],
    ['{ atMs: 1, action: pasidReuse, device: pf, stopMarker: 1 }', /scenario\.events\[0\]\.stopMarker/],
  ])('refuses %s', (ev, msg) => {
    expect(() => deriveTierConfigs(parseScenarioText(`${base}events:\n  - ${ev}\n`, 'x.yaml'))).toThrow(msg);
  });
});
