// PRI Control Enable writes (pci.priCtl): the workload of a PRI function waits for software to
// enable PRI; the PF family's shared capability is on while any of its functions is enabled;
// disabling fails the accesses waiting on PRI with 'priDisabled'; a failed capability stays
// failed.

import { describe, expect, it } from 'vitest';
import { asAts, asPageReqs, completion, config, fnCfg, OTHER_PF, pending, PF, response, rig, spaceCfg, stats, VF, type Rig } from './support.ts';

const pfAndVf = () =>
  config({
    functions: [fnCfg(PF), fnCfg(VF, { pfRid: PF })],
    spaces: [spaceCfg(0, PF, 1), spaceCfg(1, VF, 2)],
  });

function priCtl(r: Rig, rid: number, enable: boolean): void {
  r.step({ type: 'pci.priCtl', rid, enable });
}

/** Deny the translations sent so far and return the page requests they raised. */
function denyAll(r: Rig) {
  for (const m of r.out()) r.step(completion(asAts(m), false, false));
  return asPageReqs(r.out());
}

describe('device PRI enable path', () => {
  it('a PRI function starts no DMA at sys.start: its workload starts on the first PRI enable write', () => {
    const r = rig(config(), true, false);
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ accessesStarted: 0, slotsNotStarted: 1, slotsActive: 0 });
    expect(stats(r).pri[PF]).toEqual({ state: 'disabled', rf: false, uprgi: false, enabledRids: [] });
    priCtl(r, PF, true);
    expect(r.out().map((m) => asAts(m).addr)).toEqual([0]);
    expect(stats(r)).toMatchObject({ accessesStarted: 1, slotsNotStarted: 0, slotsActive: 1, priCtlEnables: 1 });
    expect(stats(r).pri[PF]).toEqual({ state: 'enabled', rf: false, uprgi: false, enabledRids: [PF] });
    expect(r.ctx.marks.get('device.pri-enabled')).toBe(1);
    // A repeated enable changes nothing and starts nothing twice.
    priCtl(r, PF, true);
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ accessesStarted: 1, priCtlEnables: 2 });
  });

  it('an enable before sys.start takes effect, and the workload starts at sys.start', () => {
    const r = rig(config(), false, false);
    priCtl(r, PF, true);
    expect(r.out()).toEqual([]);
    r.step({ type: 'sys.start' });
    expect(r.out().map((m) => asAts(m).addr)).toEqual([0]);
  });

  it('a function without PRI (priAllocation 0) starts at sys.start; a PRI function beside it waits', () => {
    const r = rig(
      config({
        functions: [fnCfg(PF, { priAllocation: 0 }), fnCfg(OTHER_PF)],
        spaces: [spaceCfg(0, PF, 1), spaceCfg(1, OTHER_PF, 2)],
      }),
      true,
      false,
    );
    expect(r.out().map((m) => asAts(m).rid)).toEqual([PF]);
    priCtl(r, OTHER_PF, true);
    expect(r.out().map((m) => asAts(m).rid)).toEqual([OTHER_PF]);
  });

  it("enabling the PF starts only the PF's spaces; the VF waits for its own enable, under the one shared capability", () => {
    const r = rig(pfAndVf(), true, false);
    priCtl(r, PF, true);
    expect(r.out().map((m) => asAts(m).rid)).toEqual([PF]);
    priCtl(r, VF, true);
    expect(r.out().map((m) => asAts(m).rid)).toEqual([VF]);
    expect(stats(r).pri[PF]).toEqual({ state: 'enabled', rf: false, uprgi: false, enabledRids: [PF, VF] });
  });

  it('disabling one function fails its accesses waiting on PRI; the family stays up while another function is enabled', () => {
    const r = rig(pfAndVf());
    const reqs = denyAll(r);
    expect(reqs.map((q) => q.rid)).toEqual([PF, VF]);
    priCtl(r, VF, false);
    expect(stats(r)).toMatchObject({ dmaFailed: { priDisabled: 1, priFailed: 0 }, priCtlDisables: 1 });
    expect(stats(r).pri[PF]).toEqual({ state: 'enabled', rf: false, uprgi: false, enabledRids: [PF] });
    // The VF's group is still owed its response, which is matched when it comes.
    expect(stats(r).groupsOutstanding).toBe(2);
    r.step(response(reqs[1]!, 0));
    expect(stats(r)).toMatchObject({ unexpectedPrgi: 0, retries: 0, groupsOutstanding: 1 });
    // A later fault of the VF fails at once, without a page request; the PF still faults normally.
    r.advance(100);
    const vfReq = r.out().map(asAts);
    expect(vfReq.map((q) => q.rid)).toEqual([VF]);
    r.step(completion(vfReq[0]!, false, false));
    expect(r.out()).toEqual([]);
    expect(stats(r).dmaFailed.priDisabled).toBe(2);
    r.step(response(reqs[0]!, 0));
    const retry = r.out().map(asAts);
    expect(retry.map((q) => q.rid)).toEqual([PF]);
    r.step(completion(retry[0]!, false, false));
    expect(asPageReqs(r.out()).map((q) => q.rid)).toEqual([PF]);
  });

  it('disabling the last enabled function stops the shared capability: every waiting access fails priDisabled', () => {
    const r = rig(pfAndVf());
    denyAll(r);
    priCtl(r, PF, false);
    expect(stats(r).pri[PF]).toMatchObject({ state: 'enabled', enabledRids: [VF] });
    priCtl(r, VF, false);
    expect(stats(r).pri[PF]).toEqual({ state: 'stopped', rf: false, uprgi: false, enabledRids: [] });
    expect(stats(r)).toMatchObject({ dmaFailed: { priDisabled: 2, priFailed: 0 }, groupsOutstanding: 2 });
    expect(r.ctx.marks.get('device.pri-down')).toBe(1);
    expect(pending(r)).toBe(2);
    // Re-enabling (RF clear) brings it back.
    priCtl(r, PF, true);
    expect(stats(r).pri[PF]).toMatchObject({ state: 'enabled', enabledRids: [PF] });
  });

  it('an enable write leaves a failed capability failed (RF set); once stopped, enabling is refused until a reset', () => {
    const r = rig(config());
    const [q] = denyAll(r);
    r.step(response(q!, 0xf));
    priCtl(r, PF, true);
    expect(stats(r).pri[PF]).toMatchObject({ state: 'failed', rf: true });
    priCtl(r, PF, false);
    expect(stats(r).pri[PF]).toMatchObject({ state: 'stopped', rf: true, enabledRids: [] });
    priCtl(r, PF, true);
    expect(stats(r).pri[PF]).toMatchObject({ state: 'stopped', rf: true, enabledRids: [PF] });
    expect(stats(r).priEnableRefused).toBe(1);
    // The workload still runs; its faults fail with priFailed and send nothing.
    r.advance(100);
    r.step(completion(asAts(r.out()[0]), false, false));
    expect(r.out()).toEqual([]);
    expect(stats(r).dmaFailed).toMatchObject({ priFailed: 2, priDisabled: 0 });
  });

  it('a PRI Control write for an unknown RID is dropped and counted', () => {
    const r = rig(config(), true, false);
    priCtl(r, 0x777, true);
    expect(r.out()).toEqual([]);
    expect(stats(r)).toMatchObject({ priCtlEnables: 0, dropped: { priCtlUnknownRid: 1 } });
  });
});
