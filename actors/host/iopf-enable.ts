// IOPF enable per device (iommufd_fault_iopf_enable / _disable, reference §4.2): refcounted
// over the device's attach handles to fault-capable hwpts. The first such attach enables IOPF
// for the device — VT-d sets the context entry's PRE bit and enables PRI in the device's PRI
// capability (intel_iommu_enable_iopf: context_flip_pri + pci_enable_pri) — modelled as one
// `cmd.ctxPri {rid, enable: true}` on 'host->iommu'; the iommu forwards the PRI Control write
// to the device. When the last fault-capable attachment goes away (detach, or replace by a
// hwpt without a fault object), `enable: false`. A PRI-capable VF is refused with -EINVAL before
// the refcount moves (eventq.c iommufd_fault_iopf_enable: `if (pdev->is_virtfn &&
// pci_pri_supported(pdev)) return -EINVAL;` — PRI is shared with the PF and a Response Failure
// would stop it for the whole family); scenario host.iopfOnPriVf: allow lifts that to show why.

import type { ActorCtx } from '../../src/actor/define.ts';
import { errno } from '../../src/protocol/iommufd.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import type { HostState } from './host-state.ts';
import { TO_IOMMU } from './prq-thread.ts';
import type { UfdState } from './ufd-objects.ts';

/** A hwpt whose domain has the iommufd iopf handler (allocated with a fault object). */
export function hwptFaultCapable(u: UfdState, hwptId: number): boolean {
  const hwpt = u.hwpts[hwptId];
  return hwpt !== undefined && hwpt.faultId !== 0;
}

/** iommufd_fault_iopf_enable(): 0, or the errno that fails the attach. */
export function iopfEnable(s: HostState, ctx: ActorCtx, devId: number): number {
  const dev = s.ufd.devices[devId]!;
  if (priCapableVf(s, dev.rid) && (s.cfg.iopfOnPriVf ?? 'refuse') === 'refuse') {
    s.stats.iopfVfRefused++;
    ctx.mark('host.iopf-vf-refused');
    return errno.EINVAL;
  }
  dev.iopfRefs++;
  if (dev.iopfRefs === 1) sendCtxPri(s, ctx, dev.rid, true);
  return 0;
}

/** pdev->is_virtfn && pci_pri_supported(pdev): every modelled function has a PRI capability. */
function priCapableVf(s: HostState, rid: number): boolean {
  const f = s.cfg.functions.find((x) => x.rid === rid);
  return f !== undefined && f.pfRid !== null && f.priAllocation > 0;
}

export function iopfDisable(s: HostState, ctx: ActorCtx, devId: number): void {
  const dev = s.ufd.devices[devId]!;
  ctx.assert(dev.iopfRefs > 0, 'FAULTLINE_HOST_IOPF_REFS', `dev ${devId}: IOPF disabled more often than enabled`);
  dev.iopfRefs--;
  if (dev.iopfRefs === 0) sendCtxPri(s, ctx, dev.rid, false);
}

function sendCtxPri(s: HostState, ctx: ActorCtx, rid: number, enable: boolean): void {
  if (enable) s.stats.iopfEnables++;
  else s.stats.iopfDisables++;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.ctxPri', rid, enable });
}
