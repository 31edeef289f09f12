// A violation's causal slice (src/check/chains.ts): an I3 report lists the events of its own
// page (the device's uses of that translation, the invalidation that completed), not the last
// events of other address spaces; a group violation lists each of its groups' own events.

import { describe, expect, it } from 'vitest';
import { replay } from '../../src/api/index.ts';
import { Chains } from '../../src/check/chains.ts';
import { slot } from '../../src/check/route-slot.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';

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

  it('page slices of small and wide (asid, page) keys never share a ring', () => {
    const chains = new Chains();
    // (1, 5) has the small key 2^20 + 5; (0, 2^20 + 5) is too wide for that form and must not land on it.
    const pages: [number, number][] = [
      [1, 5],
      [0, 0x100005],
      [0x400, 5],
      [0x3ff, 0xfffff],
      [0xffffffff, 0xffffffff],
    ];
    pages.forEach(([asid, page], i) => {
      const ev: CheckEvent = { type: 'chk.xlateUsed', asid, page, version: i };
      chains.addPage(asid, page, i + 1, i + 1, -1, 0, ev, slot.xlateUsed);
    });
    pages.forEach(([asid, page], i) => {
      const chain = chains.chainOf([], (s) => ({ seq: s.seq, timeNs: s.timeNs, actor: String(s.actor), text: JSON.stringify(s.event) }), { asid, page });
      expect(chain.map((e) => JSON.parse(e.text) as unknown)).toEqual([{ type: 'chk.xlateUsed', asid, page, version: i }]);
    });
  });
});
