// The device against a scripted IOMMU that answers every request: ATS from a page map,
// page request groups mapped and answered Success (Invalid above a mappable limit), in
// shuffled order. At quiescence every access finished exactly once and nothing is owed.

import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/protocol/messages.ts';
import { createRng, rngStateFrom } from '../../../src/util/rng.ts';
import { config, fnCfg, pending, PF, rig, spaceCfg, stats, VF } from './support.ts';

const MAPPABLE_PAGES = 24;

describe('device loopback', () => {
  it('every access completes once; every group gets its one response; nothing pending at the end', () => {
    const r = rig(
      config({
        functions: [fnCfg(PF, { priAllocation: 4, atcEntries: 4 }), fnCfg(VF, { pfRid: PF, priAllocation: 4, atcEntries: 0 })],
        spaces: [spaceCfg(0, PF, 1), spaceCfg(1, VF, null)],
        workload: { inFlight: 4, pages: 32, pattern: { kind: 'uniform' }, writeRatio: 0.5, pagesPerGroup: 2, accessesMax: 60, thinkNs: 10 },
      }),
    );
    const mapped = new Set<string>();
    const inbox: Message[] = [];
    const shuffle = createRng(rngStateFrom(7));
    let rounds = 0;
    for (; rounds < 10_000; rounds++) {
      for (const m of r.out()) {
        if (m.type !== 'pci.atsReq' && m.type !== 'pci.pageReq') throw new Error(`unexpected ${m.type}`);
        const key = `${m.rid}:${m.addr / 4096}`;
        if (m.type === 'pci.atsReq') {
          const ok = mapped.has(key);
          inbox.push({ type: 'pci.atsCpl', rid: m.rid, pasidPresent: m.pasidPresent, pasid: m.pasid, addr: m.addr, tag: m.tag, r: ok, w: ok, version: 1 });
        } else {
          if (m.addr / 4096 < MAPPABLE_PAGES) mapped.add(key);
          if (m.last) inbox.push({ type: 'pci.prgResp', rid: m.rid, pasidPresent: m.pasidPresent, pasid: m.pasid, prgi: m.prgi, code: m.addr / 4096 < MAPPABLE_PAGES ? 0 : 1 });
        }
      }
      if (inbox.length > 0) r.step(inbox.splice(shuffle.int(inbox.length), 1)[0]!);
      else if (r.ctx.timers.length > 0) r.advance(Math.min(...r.ctx.timers.map((t) => t.atNs)));
      else break;
    }
    const st = stats(r);
    expect(rounds).toBeLessThan(10_000);
    expect(st.accessesStarted).toBe(120);
    expect(st.dmaOk + st.dmaFailed.invalid + st.dmaFailed.priFailed + st.dmaFailed.priDisabled).toBe(120);
    expect(st.dmaFailed.invalid).toBeGreaterThan(0);
    expect(st.responses.success + st.responses.invalid).toBe(st.faults);
    expect(st.unexpectedPrgi).toBe(0);
    expect(st.faultRttNs.total).toBe(st.faults);
    expect(st.slotsActive).toBe(0);
    expect(pending(r)).toBe(0);
    expect(r.s.fns.map((f) => f.creditsUsed)).toEqual([0, 0]);
  });
});
