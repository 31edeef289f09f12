// IOPF enable per device (iommufd_fault_iopf_enable / _disable, reference §4.2): refcounted
// over the device's attach handles to fault-capable hwpts. The first such attach enables IOPF
// for the device — VT-d sets the context entry's PRE bit and enables PRI in the device's PRI
// capability (intel_iommu_enable_iopf: context_flip_pri + pci_enable_pri) — modelled as one
// `cmd.ctxPri {rid, enable: true}` on 'host->iommu'; the iommu forwards the PRI Control write
// to the device. When the last fault-capable attachment goes away (detach, or replace by a
// hwpt without a fault object), `enable: false`. Not modelled: iommufd's -EINVAL for
// PRI-capable VFs (PRI is shared with the PF), so VF attaches succeed here.

import type { ActorCtx } from '../../src/actor/define.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import type { HostState } from './host-state.ts';
import { TO_IOMMU } from './prq-thread.ts';
import type { UfdState } from './ufd-objects.ts';

/** A hwpt whose domain has the iommufd iopf handler (allocated with a fault object). */
export function hwptFaultCapable(u: UfdState, hwptId: number): boolean {
  const hwpt = u.hwpts[hwptId];
  return hwpt !== undefined && hwpt.faultId !== 0;
}

export function iopfEnable(s: HostState, ctx: ActorCtx, devId: number): void {
  const dev = s.ufd.devices[devId]!;
  dev.iopfRefs++;
  if (dev.iopfRefs === 1) sendCtxPri(s, ctx, dev.rid, true);
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
