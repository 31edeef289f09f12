// A violation's causal slice (src/check/chains.ts): an I3 report lists the events of its own
// page (the device's uses of that translation, the invalidation that completed), not the last
// events of other address spaces; a group violation lists each of its groups' own events.

import { describe, expect, it } from 'vitest';
import { replay } from '../../src/api/index.ts';

describe('causal slices', () => {
  it('I3: the page of the violation, its first and latest stale use by the device, the invalidation and the violating use', async () => {
    const r = await replay('faultline run atc-before-iotlb --runtime sim --seed 1 --duration-ms 2 --bug atc-before-iotlb');
    const v = r.checker!.violations.find((x) => x.invariant === 'I3')!;
    const [, asid, page, version] = /asid (\d+) page (\d+) at version (\d+)/.exec(v.message)!;
    const own = new RegExp(`asid=${asid} (page=${page} |pages ${page}\\.\\.${page} )`);
    for (const e of v.chain) expect(e.text).toMatch(own);
    expect(v.chain.at(-1)!.text).toBe(`DMA used translation asid=${asid} page=${page} version=${version}`);
    expect(v.chain.at(-1)!.actor).toBe('device');
    expect(v.chain.some((e) => e.text.startsWith(`invalidation done asid=${asid}`))).toBe(true);
    const seqs = v.chain.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('a group violation (I2) holds the raise of each group it names', async () => {
    const r = await replay('faultline run flr-prgi-reuse --runtime sim --seed 1 --duration-ms 2 --bug vmm-prgi-only-match');
    const v = r.checker!.violations.find((x) => x.invariant === 'I2')!;
    for (const g of v.ghosts) {
      const events = v.chain.filter((e) => e.text.includes(`ghost=${g}`));
      expect(events.length).toBeGreaterThan(0);
    }
  });
});
