// PRI path: page request groups, PRG Response matching and outcomes.

import { describe, expect, it } from 'vitest';
import { asAts, asPageReqs, completion, config, faultOnce, fnCfg, pending, PF, response, rig, stats } from './support.ts';
import { atcKeys } from '../../../actors/device/atc.ts';

describe('device page request groups', () => {
  it('ATS completion with R=W=0 raises a one-page group: PRGI, L=1, R for a read, PASID prefix, ghost', () => {
    const r = rig(config({ workload: { pages: 16 } }));
    const reqs = faultOnce(r);
    expect(reqs).toEqual([
      {
        type: 'pci.pageReq',
        rid: PF,
        pasidPresent: true,
        pasid: 5,
        exe: false,
        priv: false,
        rd: true,
        wr: false,
        last: true,
        prgi: 0,
        addr: 0,
        ghost: 1,
      },
    ]);
    expect(stats(r)).toMatchObject({ faults: 1, pageRequests: 1, groupsOutstanding: 1 });
    expect(pending(r)).toBe(1);
  });

  it('a multi-page group: consecutive pages, one PRGI and ghost, L only on the final one, W for a write', () => {
    const r = rig(config({ workload: { pagesPerGroup: 3, writeRatio: 1, inFlight: 2 } }));
    const [a, b] = r.out().map(asAts);
    r.step(completion(b!, true, false)); // page 1: readable only, the write faults
    const g2 = asPageReqs(r.out());
    r.step(completion(a!, false, false));
    const g1 = asPageReqs(r.out());
    expect(g2.map((q) => [q.addr / 4096, q.prgi, q.last, q.rd, q.wr, q.ghost])).toEqual([
      [1, 0, false, false, true, 1],
      [2, 0, false, false, true, 1],
      [3, 0, true, false, true, 1],
    ]);
    expect(g1.map((q) => [q.addr / 4096, q.prgi, q.last, q.ghost])).toEqual([
      [0, 1, false, 2],
      [1, 1, false, 2],
      [2, 1, true, 2],
    ]);
    expect(stats(r)).toMatchObject({ faults: 2, pageRequests: 6 });
  });

  it('a group is clipped at the end of the address space', () => {
    const r = rig(config({ workload: { pages: 64, pagesPerGroup: 4 } }), false);
    r.s.spaces[0]!.nextPage = 62;
    r.step({ type: 'sys.start' });
    expect(faultOnce(r).map((q) => [q.addr / 4096, q.last])).toEqual([
      [62, false],
      [63, true],
    ]);
    expect(r.s.fns[0]!.creditsUsed).toBe(2);
  });

  it('Success returns credits and re-issues the translation; a second denial re-faults', () => {
    const r = rig(config({ workload: { pagesPerGroup: 1 } }));
    const [req] = faultOnce(r);
    expect(r.s.fns[0]!.creditsUsed).toBe(1);
    r.ctx.nowNs = 5000;
    r.step(response(req!, 0));
    expect(r.s.fns[0]!.creditsUsed).toBe(0);
    const retry = asAts(r.out()[0]);
    expect(retry).toMatchObject({ addr: 0, write: false, tag: 1 });
    expect(stats(r)).toMatchObject({ retries: 1, responses: { success: 1 }, groupsOutstanding: 0 });
    expect(stats(r).faultRttNs).toMatchObject({ total: 1, min: 5000, max: 5000 });
    r.step(completion(retry, false, false));
    expect(asPageReqs(r.out())).toHaveLength(1);
    expect(stats(r)).toMatchObject({ refaults: 1, faults: 2 });
  });

  it('Success on a multi-page group also prefetches the other pages into the ATC', () => {
    const r = rig(config({ workload: { pagesPerGroup: 2, pages: 1 } }));
    const [, last] = faultOnce(r);
    r.step(response(last!, 0));
    const [retry, prefetch] = r.out().map(asAts);
    expect([retry!.addr, prefetch!.addr]).toEqual([0, 4096]);
    r.step(completion(prefetch!, true, false));
    r.step(completion(retry!, true, false));
    expect(atcKeys(r.s.fns[0]!.atc)).toEqual(['5:1', '5:0']);
    expect(stats(r)).toMatchObject({ prefetchTranslations: 1, dmaOk: 1 });
  });

  it('Invalid returns credits, fails the access and the slot moves on after thinkNs', () => {
    const r = rig(config());
    const [req] = faultOnce(r);
    r.step(response(req!, 1));
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ dmaFailed: { invalid: 1 }, retries: 0, responses: { invalid: 1 } });
    expect(r.s.fns[0]!.creditsUsed).toBe(0);
    r.advance(100);
    expect(asAts(r.out()[0]).addr).toBe(4096);
  });

  it('a response for a PRGI with no outstanding group sets UPRGI and is otherwise ignored', () => {
    const r = rig(config());
    r.out();
    r.step({ type: 'pci.prgResp', rid: PF, pasidPresent: true, pasid: 5, prgi: 7, code: 0 });
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ unexpectedPrgi: 1, dropped: { prgRespUnexpectedPrgi: 1 }, responses: { success: 0 } });
    expect(stats(r).pri[PF]).toEqual({ state: 'enabled', rf: false, uprgi: true, enabledRids: [PF] });
  });

  it('a duplicate response for an answered group is counted as unexpected, not thrown', () => {
    const r = rig(config());
    const [req] = faultOnce(r);
    r.step(response(req!, 1));
    r.step(response(req!, 1));
    expect(stats(r)).toMatchObject({ unexpectedPrgi: 1, responses: { invalid: 1 }, dmaFailed: { invalid: 1 } });
  });

  it('PASID required: a response without PASID or with another PASID is unexpected; the group stays outstanding', () => {
    const r = rig(config({ functions: [fnCfg(PF, { prgResponsePasidRequired: true })] }));
    const [req] = faultOnce(r);
    r.step({ ...response(req!, 0), pasidPresent: false, pasid: 0 });
    r.step({ ...response(req!, 0), pasid: 6 });
    expect(stats(r)).toMatchObject({ responsePasidMismatch: 2, unexpectedPrgi: 2, groupsOutstanding: 1, responses: { success: 0 } });
    expect(pending(r)).toBe(1);
    r.step(response(req!, 0));
    expect(stats(r)).toMatchObject({ responses: { success: 1 }, groupsOutstanding: 0 });
  });

  it('PASID not required: a response without PASID still matches by RID and PRGI', () => {
    const r = rig(config());
    const [req] = faultOnce(r);
    r.step({ ...response(req!, 0), pasidPresent: false, pasid: 0 });
    expect(stats(r)).toMatchObject({ responsePasidMismatch: 0, responses: { success: 1 } });
  });

  it('a response from an unknown RID is dropped and counted', () => {
    const r = rig(config());
    const [req] = faultOnce(r);
    r.step({ ...response(req!, 0), rid: 0x999 });
    expect(stats(r)).toMatchObject({ dropped: { prgRespUnknownRid: 1 }, groupsOutstanding: 1 });
  });
});
