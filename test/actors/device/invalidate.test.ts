// ATC invalidation: entries dropped, in-flight translations made stale, completion once the
// function stopped using the invalidated translations (in-flight DMA, atcInvDelayNs), none
// from a function that ignores invalidations, and the bug toggle that caches a raced completion.

import { describe, expect, it } from 'vitest';
import { asAts, completion, config, fnCfg, pending, PF, rig, stats } from './support.ts';
import { atcKeys } from '../../../actors/device/atc.ts';

const inv = (over: Partial<{ pasidPresent: boolean; pasid: number; addr: number; pages: number; global: boolean; itag: number }> = {}) => ({
  type: 'pci.atcInv' as const,
  rid: PF,
  pasidPresent: true,
  pasid: 5,
  addr: 0,
  pages: 1,
  global: false,
  itag: 3,
  ...over,
});

describe('device ATC invalidation', () => {
  it('drops the matching entries and answers with the ITag bit and CC=1 once no DMA uses them', () => {
    const r = rig(config({ workload: { pages: 1, accessesMax: 2 } }));
    r.advance(50);
    r.step(completion(asAts(r.out()[0]), true, true)); // DMA on page 0 until t = 150
    r.advance(150);
    expect(r.out()).toEqual([]); // the think timer ended that DMA; the second access hit the ATC
    r.step(inv()); // the second access's DMA (t = 150..250) still uses the entry
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ atcInvs: 1, atcInvalidated: 1, atcInvsWaitedForDma: 1, atcInvCompletions: 0 });
    expect(pending(r)).toBe(1);
    r.advance(249);
    expect(r.out()).toEqual([]);
    r.advance(250);
    expect(r.out()).toEqual([{ type: 'pci.atcInvCpl', rid: PF, itagVector: 1 << 3, cc: 1 }]);
    expect(stats(r).atcInvCompletions).toBe(1);
    expect(pending(r)).toBe(0);
  });

  it('answers at once when no DMA uses an invalidated entry, and the next access misses', () => {
    const r = rig(config({ workload: { pages: 1, accessesMax: 2 } }));
    r.step(completion(asAts(r.out()[0]), true, true));
    r.advance(100); // first DMA over, second access hit the ATC and runs until t = 200
    r.advance(200); // accessesMax reached: the slot stops, no DMA in flight
    r.step(inv());
    expect(r.out()).toEqual([{ type: 'pci.atcInvCpl', rid: PF, itagVector: 1 << 3, cc: 1 }]);
    expect(stats(r)).toMatchObject({ atcInvalidated: 1, atcInvsWaitedForDma: 0 });
  });

  it('a DMA on another page or PASID does not hold the completion back', () => {
    const r = rig(config({ workload: { pages: 4 } }));
    r.step(completion(asAts(r.out()[0]), true, true)); // DMA on page 0
    r.step(inv({ addr: 4096 }));
    r.step(inv({ pasid: 6, itag: 4 }));
    expect(r.out()).toEqual([
      { type: 'pci.atcInvCpl', rid: PF, itagVector: 1 << 3, cc: 1 },
      { type: 'pci.atcInvCpl', rid: PF, itagVector: 1 << 4, cc: 1 },
    ]);
  });

  it('atcInvDelayNs delays the completion on top of the in-flight DMA', () => {
    const r = rig(config({ functions: [fnCfg(PF, { atcInvDelayNs: 500 })], workload: { pages: 1 } }));
    r.step(completion(asAts(r.out()[0]), true, true)); // DMA until t = 100
    r.step(inv());
    r.advance(100);
    expect(r.out().filter((m) => m.type === 'pci.atcInvCpl')).toEqual([]);
    r.advance(499);
    expect(r.out().filter((m) => m.type === 'pci.atcInvCpl')).toEqual([]);
    r.advance(500);
    expect(r.out().filter((m) => m.type === 'pci.atcInvCpl')).toEqual([{ type: 'pci.atcInvCpl', rid: PF, itagVector: 1 << 3, cc: 1 }]);
    expect(stats(r)).toMatchObject({ atcInvsDelayed: 1, atcInvsWaitedForDma: 1, atcInvCompletions: 1 });
  });

  it('a function that ignores ATC invalidations drops its entries but never answers', () => {
    const r = rig(config({ functions: [fnCfg(PF, { ignoresAtcInv: true })], workload: { pages: 1, accessesMax: 1 } }));
    r.step(completion(asAts(r.out()[0]), true, true));
    r.advance(100);
    r.step(inv());
    r.advance(1e9);
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ atcInvalidated: 1, atcInvsIgnored: 1, atcInvCompletions: 0 });
    expect(pending(r)).toBe(0);
  });

  it('bug atc-keeps-raced-translation: a raced completion is cached and used (a stale ATC entry)', () => {
    const r = rig({ ...config(), bugs: ['atc-keeps-raced-translation'] });
    const req = asAts(r.out()[0]);
    r.step(inv());
    r.out();
    r.step(completion(req, true, true, 7));
    expect(r.out()).toEqual([]); // used: no second translation
    expect(stats(r)).toMatchObject({ dmaOk: 1, racedTranslationsKept: 1, dropped: { atsCplStale: 0 } });
    expect(atcKeys(r.s.fns[0]!.atc)).toEqual(['5:0']);
    expect(r.s.fns[0]!.atc.entries.values().next().value).toMatchObject({ version: 7 });
    expect(r.ctx.checks).toEqual([{ type: 'chk.xlateUsed', asid: 0, page: 0, version: 7 }]);
  });

  it('another PASID or a range outside keeps the entry', () => {
    const r = rig(config({ workload: { pages: 1 } }));
    r.step(completion(asAts(r.out()[0]), true, true));
    r.step(inv({ pasid: 6 }));
    r.step(inv({ addr: 4096, pages: 4 }));
    expect(stats(r).atcInvalidated).toBe(0);
    r.step(inv({ pasid: 6, global: true }));
    expect(stats(r).atcInvalidated).toBe(1);
  });

  it('a translation in flight when an overlapping invalidation arrives is neither cached nor used', () => {
    const r = rig(config());
    const req = asAts(r.out()[0]);
    r.step(inv());
    r.out();
    r.step(completion(req, true, true));
    const again = asAts(r.out()[0]);
    expect(again).toMatchObject({ addr: 0, tag: 1 });
    expect(stats(r)).toMatchObject({ dmaOk: 0, dropped: { atsCplStale: 1 } });
    expect(atcKeys(r.s.fns[0]!.atc)).toEqual([]);
  });

  it('an invalidation for an unknown RID is dropped and counted', () => {
    const r = rig(config());
    r.out();
    r.step({ ...inv(), rid: 0x999 });
    expect(r.out()).toEqual([]);
    expect(stats(r).dropped.atcInvUnknownRid).toBe(1);
  });
});
