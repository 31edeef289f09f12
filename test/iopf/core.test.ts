import { describe, expect, it } from 'vitest';
import { classifyRequest } from '../../src/iopf/classify.ts';
import { createIopfCore, iopfDiscardPartials, iopfPendingGroups, iopfRemoveDevice, iopfReport, iopfRespond, type IopfCoreEnv, type IopfGroup } from '../../src/iopf/core.ts';
import { iopfCode, pcieCodeOf, type IopfFault } from '../../src/iopf/fault.ts';

function envOf(handlers: Record<string, number>) {
  const responses: { rid: number; prgi: number; pasid: number; code: number }[] = [];
  const groups: IopfGroup[] = [];
  const env: IopfCoreEnv = {
    findHandler: (rid, pasidValid, pasid) => handlers[`${rid}:${pasidValid ? pasid : 'rid'}`] ?? null,
    pageResponse: (last, code) => responses.push({ rid: last.rid, prgi: last.prgi, pasid: last.pasid, code }),
    handle: (g) => groups.push(g),
  };
  return { env, responses, groups };
}

let ghost = 0;
const req = (over: Partial<IopfFault>): IopfFault => ({ rid: 8, pasidValid: true, pasid: 5, prgi: 1, last: true, perm: 1, addr: 0x1000, ghost: ++ghost, ...over });

describe('iopf core', () => {
  it('groups partials of the same PRGI before the last request, in arrival order, PASID not compared', () => {
    const core = createIopfCore();
    const { env, groups } = envOf({ '8:5': 7, '8:6': 7 });
    iopfReport(core, req({ prgi: 1, last: false, addr: 0x1000 }), env);
    iopfReport(core, req({ prgi: 2, last: false, addr: 0x9000 }), env);
    iopfReport(core, req({ prgi: 1, last: false, addr: 0x2000, pasid: 6 }), env);
    const r = iopfReport(core, req({ prgi: 1, last: true, addr: 0x3000 }), env);
    expect(r).toEqual({ kind: 'group', groupId: 1 });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.faults.map((f) => f.addr)).toEqual([0x1000, 0x2000, 0x3000]);
    expect(groups[0]!.handler).toBe(7);
    expect(core.devices[8]!.partials.map((f) => f.prgi)).toEqual([2]);
  });

  // io-pgfault.c iommu_report_device_fault(): find_fault_handler() == NULL → goto err_bad_iopf →
  // iopf_error_response(dev, evt), before the IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE test (R22).
  it('with no handler attached answers every request Invalid, non-last ones too (mainline, R22)', () => {
    const core = createIopfCore();
    const { env, responses } = envOf({});
    expect(iopfReport(core, req({ last: false, prgi: 3 }), env)).toEqual({ kind: 'noHandler', answered: true });
    expect(iopfReport(core, req({ last: true, prgi: 3 }), env)).toEqual({ kind: 'noHandler', answered: true });
    expect(responses).toEqual([
      { rid: 8, prgi: 3, pasid: 5, code: iopfCode.INVALID },
      { rid: 8, prgi: 3, pasid: 5, code: iopfCode.INVALID },
    ]);
    expect(core.stats.noHandlerPartialsAnswered).toBe(1);
    expect(core.stats.noHandlerPartialsDropped).toBe(0);
  });

  it("option 'last-request' (what a fix would do) drops non-last requests and answers the last one once", () => {
    const core = createIopfCore('last-request');
    const { env, responses } = envOf({});
    expect(iopfReport(core, req({ last: false, prgi: 3 }), env)).toEqual({ kind: 'noHandler', answered: false });
    expect(iopfReport(core, req({ last: true, prgi: 3 }), env)).toEqual({ kind: 'noHandler', answered: true });
    expect(responses).toEqual([{ rid: 8, prgi: 3, pasid: 5, code: iopfCode.INVALID }]);
    expect(core.stats.noHandlerPartialsDropped).toBe(1);
  });

  it('looks up the RID handler for requests without PASID', () => {
    const core = createIopfCore();
    const { env, groups } = envOf({ '8:rid': 4 });
    iopfReport(core, req({ pasidValid: false, pasid: 0 }), env);
    expect(groups[0]!.handler).toBe(4);
  });

  it('responds once per group; a second response is dropped and counted', () => {
    const core = createIopfCore();
    const { env, responses } = envOf({ '8:5': 1 });
    iopfReport(core, req({ prgi: 9 }), env);
    expect(iopfRespond(core, 1, iopfCode.SUCCESS, env)).toBe(true);
    expect(iopfRespond(core, 1, iopfCode.INVALID, env)).toBe(false);
    expect(responses).toEqual([{ rid: 8, prgi: 9, pasid: 5, code: iopfCode.SUCCESS }]);
    expect(core.stats.duplicateResponsesDropped).toBe(1);
    expect(iopfPendingGroups(core)).toBe(0);
  });

  it('removeDevice answers every pending group Invalid and frees partials; late responses are dropped', () => {
    const core = createIopfCore();
    const { env, responses } = envOf({ '8:5': 1 });
    iopfReport(core, req({ prgi: 1 }), env);
    iopfReport(core, req({ prgi: 2 }), env);
    iopfReport(core, req({ prgi: 3, last: false }), env);
    expect(iopfRemoveDevice(core, 8, env)).toEqual([1, 2]);
    expect(responses.map((r) => [r.prgi, r.code])).toEqual([
      [1, iopfCode.INVALID],
      [2, iopfCode.INVALID],
    ]);
    expect(core.stats.removePartialsFreed).toBe(1);
    expect(iopfRespond(core, 1, iopfCode.SUCCESS, env)).toBe(false);
    expect(responses).toHaveLength(2);
  });

  it('discardPartials frees every partial without responding', () => {
    const core = createIopfCore();
    const { env, responses, groups } = envOf({ '8:5': 1, '9:5': 1 });
    iopfReport(core, req({ prgi: 1, last: false }), env);
    iopfReport(core, req({ rid: 9, prgi: 1, last: false }), env);
    expect(iopfDiscardPartials(core)).toBe(2);
    iopfReport(core, req({ prgi: 1, last: true }), env);
    expect(groups[0]!.faults).toHaveLength(1);
    expect(responses).toEqual([]);
  });

  it('maps Linux-internal codes to PCIe codes (FAILURE → 0xF)', () => {
    expect([pcieCodeOf(iopfCode.SUCCESS), pcieCodeOf(iopfCode.INVALID), pcieCodeOf(iopfCode.FAILURE)]).toEqual([0, 1, 0xf]);
  });
});

describe('bad request checks (prq.c order)', () => {
  const base = { rid: 8, pasidPresent: true, pasid: 5, prgi: 1, addr: 0x1000, last: true, rd: true, wr: false, exe: false, priv: false };
  const known = (rid: number) => rid === 8;
  it('flags non-canonical addresses, PM with R/W, Exe with R, unknown RIDs; drops Stop Markers first', () => {
    expect(classifyRequest({ ...base, addr: 2 ** 47 }, known)).toEqual({ kind: 'malformed', reason: 'nonCanonical' });
    expect(classifyRequest({ ...base, priv: true }, known)).toEqual({ kind: 'malformed', reason: 'privWithAccess' });
    expect(classifyRequest({ ...base, exe: true }, known)).toEqual({ kind: 'malformed', reason: 'execWithRead' });
    expect(classifyRequest({ ...base, rid: 9 }, known)).toEqual({ kind: 'malformed', reason: 'unknownRid' });
    expect(classifyRequest({ ...base, rid: 9, rd: false }, known)).toEqual({ kind: 'stopMarker' });
    expect(classifyRequest({ ...base, addr: 2 ** 47 - 4096 }, known)).toEqual({ kind: 'request' });
  });
});
