// Function level reset on the device (actors/device/reset.ts): the reset completes only once
// nothing is outstanding, then the ATC is empty; a removed function starts no new access.

import { describe, expect, it } from 'vitest';
import { config, PF, rig } from './support.ts';

describe('device function reset', () => {
  it('waits for outstanding groups (PRI Stopped), then drops the ATC; removal stops the DMA', () => {
    const r = rig(config());
    // The access translates: answer "no access" so it raises a page request group.
    const ats = r.out().find((m) => m.type === 'pci.atsReq')!;
    r.s.fns[0]!.atc.entries.set(12345, { pasid: 5, page: 99, r: true, w: false, version: 1 });
    r.step({ ...(ats as object), type: 'pci.atsCpl', r: false, w: false, version: 0 } as never);
    const req = r.out().find((m) => m.type === 'pci.pageReq') as { prgi: number } | undefined;
    expect(req).toBeDefined();
    r.step({ type: 'pci.priCtl', rid: PF, enable: false });
    r.step({ type: 'pci.reset', rid: PF, remove: true });
    expect(r.ctx.marks.get('device.removed')).toBeUndefined();
    expect(r.s.fns[0]!.atc.entries.size).toBe(1);
    r.step({ type: 'pci.prgResp', rid: PF, pasidPresent: true, pasid: 5, prgi: req!.prgi, code: 1 });
    expect(r.ctx.marks.get('device.removed')).toBe(1);
    expect(r.s.fns[0]!.atc.entries.size).toBe(0);
    expect(r.s.c.resetsCompleted).toBe(1);
    r.advance(1e6);
    expect(r.out().filter((m) => m.type === 'pci.atsReq')).toEqual([]);
    expect(r.s.slots.every((s) => s.phase === 'stopped')).toBe(true);
  });
});
