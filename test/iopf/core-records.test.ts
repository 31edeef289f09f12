// Regression guard for the IOPF core's records per request (issue 9) that times nothing: fault
// and group records come from the core's free lists and go back once a group is answered or its
// partials are freed, so the number the core makes is bounded by the requests held at once, not
// by the length of the run (src/iopf/core.ts, pool). Counted, as the checker's records are.
import { describe, expect, it } from 'vitest';
import { createIopfCore, iopfDiscardPartials, iopfNewFault, iopfRemoveDevice, iopfReport, iopfRespond, type IopfCoreEnv } from '../../src/iopf/core.ts';
import { iopfCode, type IopfFault } from '../../src/iopf/fault.ts';

const inFlight = 8;
const pagesPerGroup = 3;

/** `groups` groups of `pagesPerGroup` requests on two devices, `inFlight` pending at a time, each answered; answered last requests recorded. */
function run(groups: number) {
  const core = createIopfCore();
  const pending: number[] = [];
  const answered: { rid: number; prgi: number; ghost: number }[] = [];
  const env: IopfCoreEnv = {
    findHandler: () => 1,
    pageResponse: (last) => answered.push({ rid: last.rid, prgi: last.prgi, ghost: last.ghost }),
    handle: (g) => {
      // The group holds its own requests, in arrival order, the last one at the end.
      expect(g.faults.map((f) => f.ghost)).toEqual(Array.from({ length: pagesPerGroup }, (_, i) => g.faults[0]!.ghost + i));
      pending.push(g.id);
    },
  };
  let ghost = 0;
  const request = (rid: number, prgi: number, last: boolean): IopfFault => {
    const f = iopfNewFault(core);
    Object.assign(f, { rid, pasidValid: true, pasid: 1, prgi, last, perm: 1, addr: 0x1000, ghost: ++ghost });
    return f;
  };
  for (let g = 0; g < groups; g++) {
    const rid = g % 2 === 0 ? 0x100 : 0x200;
    for (let p = 0; p < pagesPerGroup; p++) iopfReport(core, request(rid, g % 512, p === pagesPerGroup - 1), env);
    if (pending.length === inFlight) iopfRespond(core, pending.shift()!, iopfCode.SUCCESS, env);
  }
  // Partials freed by a discard and a device removal go back too.
  iopfReport(core, request(0x100, 7, false), env);
  iopfDiscardPartials(core);
  iopfReport(core, request(0x200, 7, false), env);
  iopfRemoveDevice(core, 0x200, env);
  while (pending.length > 0) {
    const id = pending.shift()!;
    iopfRespond(core, id, iopfCode.SUCCESS, env);
  }
  return { core, answered };
}

describe('IOPF core records', () => {
  const short = run(1_000);
  const long = run(4_000);

  it('answers every group once, on its last request, with the record that request was reported in', () => {
    expect(long.answered).toHaveLength(4_000);
    expect(new Set(long.answered.map((a) => a.ghost)).size).toBe(4_000);
    for (const a of long.answered) expect(a.ghost % pagesPerGroup).toBe(0);
  });

  it('makes no more records over 4 000 groups than over 1 000: they are reused', () => {
    expect(long.core.pool.faultsMade).toBe(short.core.pool.faultsMade);
    expect(long.core.pool.groupsMade).toBe(short.core.pool.groupsMade);
  });

  it('makes at most the records held at once', () => {
    expect(long.core.pool.groupsMade).toBe(inFlight);
    expect(long.core.pool.faultsMade).toBeLessThanOrEqual(inFlight * pagesPerGroup + pagesPerGroup);
    // Every record made is back on a free list once nothing is pending.
    expect(long.core.pool.faults).toHaveLength(long.core.pool.faultsMade);
    expect(long.core.pool.groups).toHaveLength(long.core.pool.groupsMade);
  });
});
