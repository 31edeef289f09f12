// ATC invalidation: entries dropped, in-flight translations made stale, completion at once.

import { describe, expect, it } from 'vitest';
import { asAts, completion, config, PF, rig, stats } from './support.ts';
import { atcKeys } from '../../../actors/device/atc.ts';

const inv = (over: Partial<{ pasidPresent: boolean; pasid: number; addr: number; pages: number; global: boolean; itag: number }> = {}) => ({
  type: 'pci.atcInv' as const, rid: PF, pasidPresent: true, pasid: 5, addr: 0, pages: 1, global: false, itag: 3, ...over,
});

describe('device ATC invalidation', () => {
  it('drops the matching entries and answers with the ITag bit and CC=1', () => {
    const r = rig(config({ workload: { pages: 1, accessesMax: 2 } }));
    r.step(completion(asAts(r.out()[0]), true, true));
    r.step(inv());
    expect(r.out()).toEqual([{ type: 'pci.atcInvCpl', rid: PF, itagVector: 1 << 3, cc: 1 }]);
    expect(stats(r)).toMatchObject({ atcInvs: 1, atcInvalidated: 1 });
    r.advance(100);
    expect(asAts(r.out()[0]).addr).toBe(0); // miss: translates again
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
