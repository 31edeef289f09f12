// init: configurations that could never work are refused with a stable code.

import { describe, expect, it } from 'vitest';
import { deviceActor } from '../../../actors/device/device.actor.ts';
import { config, fnCfg, PF, spaceCfg } from './support.ts';

describe('device config', () => {
  it('refuses priAllocation below pagesPerGroup (a group could never be sent)', () => {
    expect(() => deviceActor.init(config({ functions: [fnCfg(PF, { priAllocation: 2 })], workload: { pagesPerGroup: 4 } }), 'd')).toThrow(expect.objectContaining({ code: 'FAULTLINE_DEVICE_CONFIG' }));
  });

  it('refuses an address space on an unknown function', () => {
    expect(() => deviceActor.init(config({ spaces: [spaceCfg(0, 0x777, null)] }), 'd')).toThrow(expect.objectContaining({ code: 'FAULTLINE_DEVICE_CONFIG' }));
  });

  it('groups a VF with its PF under one PRI capability, disabled until software enables it', () => {
    const s = deviceActor.init(config({ functions: [fnCfg(PF), fnCfg(PF + 1, { pfRid: PF })] }), 'd');
    expect(s.families.map((f) => [f.pfRid, f.fnIdxs, f.cap.value])).toEqual([[PF, [0, 1], 'disabled']]);
    expect(s.fns.map((f) => f.priCtl)).toEqual([false, false]);
  });
});
