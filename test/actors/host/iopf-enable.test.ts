// IOPF enable per device (iommufd_fault_iopf_enable / _disable): the first fault-capable attach
// of a device sends cmd.ctxPri enable, the last one gone sends disable, refcounted over the
// device's attach handles; replace and detach in iommufd's order (auto-responses first).

import { describe, expect, it } from 'vitest';
import { hostStats } from '../../../actors/host/host.actor.ts';
import { errno, hwptAllocFlag, NO_PASID, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import { createHostHarness, type HostHarness } from '../../../src/harness/host-harness.ts';
import { harness, hostConfig, RID1, RID2, withFaultHwpt } from './host-fixture.ts';

const R = pgfaultPerm.READ;
const on = (rid: number) => ({ rid, enable: true });
const off = (rid: number) => ({ rid, enable: false });

function faultHwpt(h: HostHarness, faultId: number, devId = 1): number {
  return h.ioctl(ufdOp.HWPT_ALLOC, devId, 0, hwptAllocFlag.FAULT_ID_VALID, faultId).out0;
}

function plainHwpt(h: HostHarness, devId = 1): number {
  return h.ioctl(ufdOp.HWPT_ALLOC, devId, 0, 0, 0).out0;
}

describe('host IOPF enable refcount', () => {
  it('enables on the first fault-capable attach of a device and disables when its last one is detached', () => {
    const h = harness();
    const { faultId, hwptId } = withFaultHwpt(h, 1);
    expect(h.ctxPri).toEqual([on(RID1)]);
    const hw2 = faultHwpt(h, faultId);
    expect(h.ioctl(ufdOp.ATTACH, 1, hw2, 2).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1)]);
    expect(h.state.ufd.devices[1]!.iopfRefs).toBe(2);
    expect(h.ioctl(ufdOp.DETACH, 1, 1).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1)]);
    expect(h.ioctl(ufdOp.DETACH, 1, 2).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1), off(RID1)]);
    expect(h.state.ufd.devices[1]!.iopfRefs).toBe(0);
    expect(hostStats(h.state).iopf).toEqual({ enables: 1, disables: 1, vfRefused: 0 });
    // Attaching again enables again.
    expect(h.ioctl(ufdOp.ATTACH, 1, hwptId, 1).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1), off(RID1), on(RID1)]);
  });

  it("counts per device: another device's attach enables that device", () => {
    const h = harness();
    const { faultId } = withFaultHwpt(h, 1);
    const hw = faultHwpt(h, faultId, 2);
    expect(h.ioctl(ufdOp.ATTACH, 2, hw, NO_PASID).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1), on(RID2)]);
  });

  it('attaches without a fault object (a plain nested hwpt, the nesting parent) and failed attaches enable nothing', () => {
    const h = harness();
    expect(h.ioctl(ufdOp.ATTACH, 1, plainHwpt(h), 1).ret).toBe(0);
    expect(h.ioctl(ufdOp.ATTACH, 1, 0, 2).ret).toBe(0);
    const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    expect(h.ioctl(ufdOp.ATTACH, 1, faultHwpt(h, f.out0), 1).ret).toBe(-errno.EBUSY);
    expect(h.ioctl(ufdOp.ATTACH, 1, 999, 3).ret).toBe(-errno.ENOENT);
    expect(h.ioctl(ufdOp.DETACH, 1, 1).ret).toBe(0);
    expect(h.ctxPri).toEqual([]);
    expect(h.state.ufd.devices[1]!.iopfRefs).toBe(0);
  });

  it('replace: plain → fault-capable enables, fault-capable → fault-capable changes nothing, fault-capable → plain disables', () => {
    const h = harness();
    const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0).out0;
    expect(h.ioctl(ufdOp.ATTACH, 1, plainHwpt(h), 1).ret).toBe(0);
    expect(h.ioctl(ufdOp.REPLACE, 1, faultHwpt(h, f), 1).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1)]);
    expect(h.ioctl(ufdOp.REPLACE, 1, faultHwpt(h, f), 1).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1)]);
    expect(h.ioctl(ufdOp.REPLACE, 1, plainHwpt(h), 1).ret).toBe(0);
    expect(h.ctxPri).toEqual([on(RID1), off(RID1)]);
    expect(h.state.ufd.devices[1]!.iopfRefs).toBe(0);
  });

  it("the last detach answers the handle's groups before it disables PRI (iommufd order)", () => {
    const h = harness();
    const { fd } = withFaultHwpt(h, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    h.read(fd, 40);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000 });
    h.commands.length = 0;
    expect(h.ioctl(ufdOp.DETACH, 1, 1).ret).toBe(0);
    expect(h.commands.map((m) => (m.type === 'cmd.ctxPri' ? `ctxPri ${m.enable}` : m.type))).toEqual(['cmd.pgResp', 'cmd.pgResp', 'ctxPri false']);
  });

  it('replace away from a fault-capable hwpt answers the old groups before it disables PRI', () => {
    const h = harness();
    withFaultHwpt(h, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    h.commands.length = 0;
    expect(h.ioctl(ufdOp.REPLACE, 1, plainHwpt(h), 1).ret).toBe(0);
    expect(h.commands.map((m) => (m.type === 'cmd.ctxPri' ? `ctxPri ${m.enable}` : m.type))).toEqual(['cmd.pgResp', 'ctxPri false']);
  });
  // eventq.c iommufd_fault_iopf_enable(): `if (pdev->is_virtfn && pci_pri_supported(pdev)) return -EINVAL;`
  it('refuses IOPF on a PRI-capable VF with -EINVAL (mainline); host.iopfOnPriVf allow lifts it', () => {
    const VF = 0x101;
    const cfg = (allow: boolean) => {
      const c = hostConfig();
      c.functions.push({ rid: VF, pfRid: RID1, priAllocation: 32, prgResponsePasidRequired: true, atcEntries: 0 });
      c.spaces.push({ asid: 3, rid: VF, pasid: 1, devId: 3, vrid: VF, vpasid: 1, mappablePages: 16 });
      if (allow) c.iopfOnPriVf = 'allow';
      return c;
    };
    const h = createHostHarness(cfg(false));
    const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0).out0;
    const hw = faultHwpt(h, f, 3);
    expect(h.ioctl(ufdOp.ATTACH, 3, hw, 1).ret).toBe(-errno.EINVAL);
    expect(h.ctxPri).toEqual([]);
    expect(h.state.ufd.devices[3]!.iopfRefs).toBe(0);
    expect(hostStats(h.state).iopf).toEqual({ enables: 0, disables: 0, vfRefused: 1 });
    // A plain hwpt (no fault object) does not enable IOPF and attaches.
    expect(h.ioctl(ufdOp.ATTACH, 3, plainHwpt(h, 3), 1).ret).toBe(0);
    const a = createHostHarness(cfg(true));
    const fa = a.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0).out0;
    expect(a.ioctl(ufdOp.ATTACH, 3, faultHwpt(a, fa, 3), 1).ret).toBe(0);
    expect(a.ctxPri).toEqual([on(VF)]);
  });
});
