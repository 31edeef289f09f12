// PASID stop and rebind on the device (actors/device/pasid.ts): without a Stop Marker the
// function reports the stop only once its groups are answered; with one it reports at once,
// behind the Stop Marker; slots park until BIND, which raises later groups with the next
// PASID incarnation and drops the PASID's ATC entries.

import { describe, expect, it } from 'vitest';
import { pasidOp } from '../../../src/protocol/iopf.ts';
import { asAts, completion, config, faultOnce, PF, response, rig } from './support.ts';

const stop = (stopMarker: boolean) => ({ type: 'pci.pasidCtl', rid: PF, pasid: 5, op: pasidOp.STOP, stopMarker }) as const;
const bind = { type: 'pci.pasidCtl', rid: PF, pasid: 5, op: pasidOp.BIND, stopMarker: false } as const;

describe('device PASID stop and rebind', () => {
  it('waits for its outstanding group before reporting the stop, parks the slot, and resumes with the next incarnation', () => {
    const r = rig(config());
    const [req] = faultOnce(r);
    r.step(stop(false));
    expect(r.out()).toEqual([]);
    r.step(response(req!, 0)); // Success: the access translates again
    expect(r.out().map((m) => m.type)).toEqual(['pci.atsReq', 'pci.pasidStopped']);
    expect(r.ctx.marks.get('device.pasid-stopped')).toBe(1);
    r.s.fns[0]!.atc.entries.set(1, { pasid: 5, page: 3, r: true, w: false, version: 1 });
    r.step(bind);
    expect(r.s.fns[0]!.atc.entries.size).toBe(0);
    expect(r.s.spaces[0]!.pasidGen).toBe(2);
    expect(r.ctx.marks.get('device.pasid-rebound')).toBe(1);
  });

  it('with a Stop Marker reports at once, behind the marker (last=1, rd=wr=0, its PASID); faults fail while stopped; parked slots restart on BIND', () => {
    const r = rig(config());
    faultOnce(r);
    r.step(stop(true));
    const out = r.out();
    expect(out).toEqual([
      { type: 'pci.pageReq', rid: PF, pasidPresent: true, pasid: 5, exe: false, priv: false, rd: false, wr: false, last: true, prgi: 0, addr: 0, ghost: 0 },
      { type: 'pci.pasidStopped', rid: PF, pasid: 5 },
    ]);
    r.step(bind);
    // The faulted slot's group is still outstanding (its response comes later); nothing was parked.
    expect(r.s.slots[0]!.phase).toBe('faulted');
    expect(r.s.spaces[0]!.pasidGen).toBe(2);
  });

  it('a slot reaching its next access while stopped parks, and raises groups of the new incarnation after BIND', () => {
    const r = rig(config());
    const ats = asAts(r.out()[0]);
    r.step(stop(false));
    expect(r.out().map((m) => m.type)).toEqual(['pci.pasidStopped']);
    r.step(completion(ats, true, false)); // the in-flight access completes
    r.advance(1000);
    expect(r.out()).toEqual([]);
    expect(r.s.slots[0]!.phase).toBe('idle');
    r.step(bind);
    const again = asAts(r.out()[0]);
    r.ctx.checks.length = 0;
    r.step(completion(again, false, false));
    const raise = r.ctx.checks.find((c) => c.type === 'chk.raise');
    expect(raise).toMatchObject({ pasid: 5, pasidGen: 2 });
  });
});
