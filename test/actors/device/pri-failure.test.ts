// Response Failure: PRI stops for the PF and all its VFs; other PFs are untouched.

import { describe, expect, it } from 'vitest';
import { asAts, asPageReqs, completion, config, fnCfg, OTHER_PF, pending, PF, response, rig, spaceCfg, stats, VF, type Rig } from './support.ts';

function threeFunctions(): Rig {
  return rig(
    config({
      functions: [fnCfg(PF), fnCfg(VF, { pfRid: PF }), fnCfg(OTHER_PF)],
      spaces: [spaceCfg(0, PF, 1), spaceCfg(1, VF, 2), spaceCfg(2, OTHER_PF, 3)],
    }),
  );
}

/** Deny every translation sent so far; return the page requests keyed by RID. */
function faultAll(r: Rig): Map<number, ReturnType<typeof asPageReqs>[number]> {
  for (const m of r.out()) r.step(completion(asAts(m), false, false));
  return new Map(asPageReqs(r.out()).map((q) => [q.rid, q]));
}

describe('device Response Failure', () => {
  it('Failure for a VF stops PRI for the PF and its VFs: their waiting accesses fail with priFailed', () => {
    const r = threeFunctions();
    const groups = faultAll(r);
    r.step(response(groups.get(VF)!, 0xf));
    expect(stats(r)).toMatchObject({ dmaFailed: { priFailed: 2 }, responses: { failure: 1 } });
    expect(stats(r).pri).toEqual({
      [PF]: { state: 'failed', rf: true, uprgi: false, enabledRids: [PF, VF] },
      [OTHER_PF]: { state: 'enabled', rf: false, uprgi: false, enabledRids: [OTHER_PF] },
    });
    // The PF's group is still owed a response; the other PF's group is untouched.
    expect(stats(r).groupsOutstanding).toBe(2);
    expect(pending(r)).toBe(2);
  });

  it('after Failure, a late response of the family is matched, not unexpected', () => {
    const r = threeFunctions();
    const groups = faultAll(r);
    r.step(response(groups.get(VF)!, 0xf));
    r.step(response(groups.get(PF)!, 0));
    expect(stats(r)).toMatchObject({ unexpectedPrgi: 0, retries: 0, groupsOutstanding: 1, responses: { success: 1 } });
    expect(r.out()).toEqual([]);
  });

  it('after Failure, later faults of the family fail immediately and send no page request', () => {
    const r = threeFunctions();
    const groups = faultAll(r);
    r.step(response(groups.get(PF)!, 0xf));
    r.advance(100);
    const reqs = r.out().map(asAts);
    expect(reqs.map((q) => q.rid).sort()).toEqual([PF, VF]);
    for (const q of reqs) r.step(completion(q, false, false));
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ dmaFailed: { priFailed: 4 }, faults: 3, pageRequests: 3 });
  });

  it('after Failure, accesses that translate fine still succeed', () => {
    const r = threeFunctions();
    const groups = faultAll(r);
    r.step(response(groups.get(PF)!, 0xf));
    r.advance(100);
    for (const m of r.out()) r.step(completion(asAts(m), true, true));
    expect(stats(r).dmaOk).toBe(2);
  });

  it('a reserved response code is treated as Response Failure', () => {
    const r = rig(config());
    const q = faultAll(r).get(PF)!;
    r.step(response(q, 2));
    expect(stats(r)).toMatchObject({ responses: { reserved: 1, failure: 0 }, dmaFailed: { priFailed: 1 } });
    expect(stats(r).pri[PF].state).toBe('failed');
  });

  it('Failure also fails accesses queued for credits', () => {
    const r = rig(config({ functions: [fnCfg(PF, { priAllocation: 1 })], workload: { inFlight: 2 } }));
    const q = faultAll(r).get(PF)!;
    expect(stats(r)).toMatchObject({ creditWaits: 1, accessesWaitingCredits: 1 });
    r.step(response(q, 0xf));
    expect(stats(r)).toMatchObject({ dmaFailed: { priFailed: 2 }, accessesWaitingCredits: 0, faults: 1 });
  });

  it('a function with priAllocation 0 has PRI disabled: faults fail with priDisabled', () => {
    const r = rig(config({ functions: [fnCfg(PF, { priAllocation: 0 })] }));
    r.step(completion(asAts(r.out()[0]), false, false));
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ dmaFailed: { priDisabled: 1 }, faults: 0 });
  });
});
