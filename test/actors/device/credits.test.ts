// PRI credits and PRGI allocation.

import { describe, expect, it } from 'vitest';
import { asAts, asPageReqs, completion, config, fnCfg, PF, response, rig, stats } from './support.ts';

describe('device PRI credits and PRGIs', () => {
  it('out of credits: the fault waits, then is raised when a response returns the credits', () => {
    const r = rig(config({ functions: [fnCfg(PF, { priAllocation: 2 })], workload: { inFlight: 2, pagesPerGroup: 2 } }));
    for (const m of r.out()) r.step(completion(asAts(m), false, false));
    const first = asPageReqs(r.out());
    expect(first.map((q) => q.addr / 4096)).toEqual([0, 1]);
    expect(stats(r)).toMatchObject({ creditWaits: 1, accessesWaitingCredits: 1, faults: 1 });
    r.step(response(first[1]!, 1));
    const second = asPageReqs(r.out());
    expect(second.map((q) => [q.addr / 4096, q.prgi, q.last, q.ghost])).toEqual([
      [1, 1, false, 2],
      [2, 1, true, 2],
    ]);
    expect(stats(r)).toMatchObject({ accessesWaitingCredits: 0, faults: 2 });
    expect(r.s.fns[0]!.creditsUsed).toBe(2);
  });

  it('outstanding page requests never exceed priAllocation', () => {
    const r = rig(config({ functions: [fnCfg(PF, { priAllocation: 3 })], workload: { inFlight: 5, pagesPerGroup: 2 } }));
    for (const m of r.out()) r.step(completion(asAts(m), false, false));
    expect(asPageReqs(r.out())).toHaveLength(2);
    expect(r.s.fns[0]!.creditsUsed).toBe(2);
    expect(stats(r).creditWaits).toBe(4);
  });

  it('a PRGI is never reused while its group is outstanding; the 513th group waits for a PRGI', () => {
    const r = rig(
      config({
        functions: [fnCfg(PF, { priAllocation: 1024 })],
        workload: { inFlight: 513, pages: 1024 },
        pagesPerAsid: 1024,
      }),
    );
    for (const m of r.out()) r.step(completion(asAts(m), false, false));
    const reqs = asPageReqs(r.out());
    expect(reqs).toHaveLength(512);
    expect(new Set(reqs.map((q) => q.prgi)).size).toBe(512);
    expect(stats(r)).toMatchObject({ prgiWaits: 1, accessesWaitingCredits: 1 });
    r.step(response(reqs[5]!, 1));
    const [next] = asPageReqs(r.out());
    expect(next).toMatchObject({ prgi: 5, addr: 512 * 4096, ghost: 513 });
  });

  it('PRGIs rotate: a freed PRGI is not the next one handed out', () => {
    const r = rig(config({ workload: { inFlight: 2 } }));
    const [a, b] = r.out().map(asAts);
    r.step(completion(a!, false, false));
    const [g0] = asPageReqs(r.out());
    r.step(response(g0!, 1));
    r.step(completion(b!, false, false));
    expect(asPageReqs(r.out())[0]!.prgi).toBe(1);
  });
});
