// Access path: ATC hit, ATS miss, permission checks, workload limits, back-pressure.

import { describe, expect, it } from 'vitest';
import { asAts, completion, config, fnCfg, OTHER_PF, pending, PF, rig, spaceCfg, stats } from './support.ts';

describe('device access path', () => {
  it('ATC miss sends an ATS request; a completion with permission caches it and the DMA succeeds', () => {
    const r = rig(config({ workload: { pages: 1, accessesMax: 2 } }));
    const req = asAts(r.out()[0]);
    expect(req).toEqual({ type: 'pci.atsReq', rid: PF, pasidPresent: true, pasid: 5, addr: 0, tag: 0, write: false });
    r.step(completion(req, true, false));
    expect(stats(r)).toMatchObject({ dmaOk: 1, atcMisses: 1, atcHits: 0 });
    expect(r.ctx.timers).toEqual([{ atNs: 100, msg: { type: 'device.think', slot: 0 } }]);
  });

  it('ATC hit with the needed permission: DMA succeeds without any request', () => {
    const r = rig(config({ workload: { pages: 1, accessesMax: 2 } }));
    r.step(completion(asAts(r.out()[0]), true, false));
    r.advance(100);
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ accessesStarted: 2, dmaOk: 2, atcHits: 1, atcMisses: 1 });
  });

  it('ATC entry lacking the needed permission is a miss: a write re-translates', () => {
    const r = rig(config({ workload: { pages: 1, accessesMax: 2, writeRatio: 0 } }));
    r.step(completion(asAts(r.out()[0]), true, false));
    r.s.cfg.workload.writeRatio = 1;
    r.advance(100);
    expect(asAts(r.out()[0])).toMatchObject({ addr: 0, write: true, tag: 1 });
    expect(stats(r)).toMatchObject({ atcHits: 0, atcMisses: 2 });
  });

  it('no-PASID space sends requests without the PASID prefix', () => {
    const r = rig(config({ functions: [fnCfg(OTHER_PF)], spaces: [spaceCfg(0, OTHER_PF, null)] }));
    expect(asAts(r.out()[0])).toMatchObject({ rid: OTHER_PF, pasidPresent: false, pasid: 0 });
  });

  it('workload stops at accessesMax', () => {
    const r = rig(config({ functions: [fnCfg(PF, { atcEntries: 0 })], workload: { accessesMax: 3 } }));
    for (let t = 1; t <= 4; t++) {
      for (const m of r.out()) r.step(completion(asAts(m), true, true));
      r.advance(t * 100);
    }
    expect(stats(r)).toMatchObject({ accessesStarted: 3, dmaOk: 3, slotsActive: 0 });
    expect(pending(r)).toBe(0);
  });

  it('workload stops issuing at durationNs', () => {
    const r = rig(config({ functions: [fnCfg(PF, { atcEntries: 0 })], workload: { durationNs: 1000, thinkNs: 400 } }));
    for (let t = 1; t <= 5; t++) {
      for (const m of r.out()) r.step(completion(asAts(m), true, true));
      r.advance(t * 400);
    }
    // Accesses start at 0, 400 and 800; at 1200 the slot stops.
    expect(stats(r)).toMatchObject({ accessesStarted: 3, dmaOk: 3, slotsActive: 0 });
  });

  it('sequential pattern walks pages in order across slots; inFlight slots per space', () => {
    const r = rig(config({ workload: { inFlight: 3 } }));
    expect(r.out().map((m) => asAts(m).addr)).toEqual([0, 4096, 8192]);
  });

  it('a full channel queues sends in order; pending counts them; sys.writable flushes', () => {
    const r = rig(config({ workload: { inFlight: 2 } }), false);
    r.ctx.full.add('dev->iommu');
    r.step({ type: 'sys.start' });
    expect(r.out()).toEqual([]);
    expect(pending(r)).toBe(4); // 2 translations owed + 2 queued sends
    r.ctx.full.clear();
    r.step({ type: 'sys.writable', channel: 'dev->iommu' });
    expect(r.out().map((m) => asAts(m).tag)).toEqual([0, 1]);
    expect(pending(r)).toBe(2);
  });

  it('a completion with an unknown tag is dropped and counted', () => {
    const r = rig(config());
    const req = asAts(r.out()[0]);
    r.step({ ...completion(req, true, true), tag: 99 });
    expect(stats(r).dropped.atsCplUnknownTag).toBe(1);
    expect(stats(r).dmaOk).toBe(0);
  });
});
