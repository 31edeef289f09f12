// The host's part of the scenario timeline (src/config/timeline.ts).
//
// flr / removeDevice — the host PCI driver resets (or loses) a function, in the order the
// kernel-doc of iopf_queue_remove_device() asks for (reference §2.3):
//   1. PRI reception off: the context entry's PRE bit cleared and the function's PRI Control
//      Enable cleared (cmd.ctxPri {enable: false}; the IOMMU answers further last requests of
//      the function Invalid and forwards the config write). The iommufd IOPF refcount is left
//      alone: the attachments stay.
//   2. iopf_queue_remove_device(): the IOPF core answers every pending group of the function
//      Invalid and frees its partial requests. iommufd's lists still name those groups: unread
//      ones are skipped by read(), read ones keep their cookie so a late write() of it is
//      consumed and does nothing ("late iopf_group_response() calls do nothing"), never
//      answering another group.
//   3. The function reset itself (cmd.devReset → pci.reset through the IOMMU, after the
//      responses of step 2 in command order). The function completes it once it has no page
//      request group outstanding (PRI "Stopped": every outstanding request answered, the
//      answers of groups still in flight come from the IOMMU's PRE-off path or from the user
//      answering groups reported before step 1), then drops its ATC.
//   4. flr: after FLR_RECOVERY_NS the host re-enables PRI (cmd.ctxPri {enable: true}) when
//      iommufd still has a fault-capable attachment of the device. removeDevice: never; the
//      function issues no more DMA.
// Not modelled: the PRQ drain (requests of the function already in the PRQ are still handled
// normally), so a partial left by a dropped last request (multi-page groups) is not freed.
//
// vfResponseFailure — a core allocation failure for a function (R23): the IOPF core answers
// the function's next `count` groups with Response Failure instead of handing them to iommufd;
// on a VF this stops the shared PRI of the PF and all its VFs (R16).

import type { ActorCtx } from '../../src/actor/define.ts';
import { iopfRemoveDevice, iopfRespond, type IopfCoreEnv, type IopfGroup } from '../../src/iopf/core.ts';
import { iopfCode } from '../../src/iopf/fault.ts';
import { checkLayer, checkReason } from '../../src/protocol/check-events.ts';
import { eventsOf, type TimelineEvent } from '../../src/config/timeline.ts';
import type { HostConfig } from '../../src/config/tier-configs.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { lifeEvent, lifeRemovePartials } from './group-life.ts';
import type { HostState } from './host-state.ts';
import { startPasidReuse } from './pasid-reuse.ts';
import { TO_IOMMU } from './prq-thread.ts';

/** Time from a function level reset to the host restoring PRI (PCIe waits 100 ms after FLR; shortened for short runs). */
export const FLR_RECOVERY_NS = 100_000;
/** host.event index flag: the re-enable phase of event `index & ~REENABLE`. */
const REENABLE = 0x80000000;

export interface HostTimelineCounters {
  events: number;
  resets: number;
  removals: number;
  groupsAnsweredOnRemove: number;
  partialsFreedOnRemove: number;
  priReenabled: number;
  /** write()s of a cookie whose group the core answered on removal: consumed, nothing sent. */
  lateResponsesAfterRemove: number;
  coreFailures: number;
}

export interface HostTimeline {
  events: TimelineEvent[];
  /** rid → groups still to be answered Response Failure by the core (vfResponseFailure). */
  failuresOwed: Record<number, number>;
  /** Groups the core is to answer Response Failure once formed (handle() refused them). */
  refused: number[];
  /** Core group ids answered by iopf_queue_remove_device (iommufd may still name them). */
  removedGroups: Set<number>;
  n: HostTimelineCounters;
}

export function createHostTimeline(cfg: HostConfig): HostTimeline {
  return {
    events: eventsOf(cfg.events, 'host'),
    failuresOwed: {},
    refused: [],
    removedGroups: new Set(),
    n: { events: 0, resets: 0, removals: 0, groupsAnsweredOnRemove: 0, partialsFreedOnRemove: 0, priReenabled: 0, lateResponsesAfterRemove: 0, coreFailures: 0 },
  };
}

export function scheduleHostEvents(s: HostState, ctx: ActorCtx): void {
  s.timeline.events.forEach((e, index) => ctx.timer(e.atNs, { type: 'host.event', index }));
}

export function onHostEvent(s: HostState, index: number, ctx: ActorCtx, env: IopfCoreEnv): void {
  const t = s.timeline;
  const e = t.events[index & (~REENABLE >>> 0)];
  if (e === undefined || e.rid === null) return;
  if ((index & REENABLE) !== 0) return reenablePri(s, e.rid, ctx);
  t.n.events++;
  switch (e.action) {
    case 'flr':
    case 'removeDevice':
      resetFunction(s, e.rid, e.action === 'removeDevice', ctx, env);
      if (e.action === 'flr') ctx.timer(FLR_RECOVERY_NS, { type: 'host.event', index: (index | REENABLE) >>> 0 });
      return;
    case 'pasidReuse':
      startPasidReuse(s, ctx, e);
      return;
    case 'vfResponseFailure':
      t.failuresOwed[e.rid] = (t.failuresOwed[e.rid] ?? 0) + e.count;
      ctx.mark('host.core-failure-armed');
      return;
    default:
  }
}

/** Steps 1–3 of the header: PRI reception off, iopf_queue_remove_device, the function reset. */
export function resetFunction(s: HostState, rid: number, remove: boolean, ctx: ActorCtx, env: IopfCoreEnv): void {
  const t = s.timeline;
  if (remove) t.n.removals++;
  else t.n.resets++;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.ctxPri', rid, enable: false });
  // Partials freed without a response; pending groups answered Invalid by the core itself.
  const dev = s.core.devices[rid];
  for (const p of dev?.partials ?? []) {
    ctx.check({ type: 'chk.retire', layer: checkLayer.host, ghost: p.ghost, reason: checkReason.discardPartial, requests: 1 });
  }
  t.n.partialsFreedOnRemove += dev?.partials.length ?? 0;
  lifeRemovePartials(s, rid, env);
  const pending = dev?.pending.slice() ?? [];
  for (const gid of pending) {
    lifeEvent(s, gid, { type: 'device.removed' }, env);
    t.removedGroups.add(gid);
  }
  const answered = iopfRemoveDevice(s.core, rid, env);
  t.n.groupsAnsweredOnRemove += answered.length;
  if (answered.length > 0) ctx.mark('host.remove-device-answered');
  ctx.mark(remove ? 'host.device-removed' : 'host.flr');
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.devReset', rid, remove });
}

function reenablePri(s: HostState, rid: number, ctx: ActorCtx): void {
  const devId = s.ufd.ridToDevId[rid];
  const dev = devId === undefined ? undefined : s.ufd.devices[devId];
  if (dev === undefined || dev.iopfRefs === 0) return;
  s.timeline.n.priReenabled++;
  ctx.mark('host.pri-reenabled');
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.ctxPri', rid, enable: true });
}

/** In domain->iopf_handler: a function with core failures owed gets its group refused (answered later by refuseGroups). */
export function refuseGroup(s: HostState, group: IopfGroup, ctx: ActorCtx): boolean {
  const t = s.timeline;
  const n = t.failuresOwed[group.rid] ?? 0;
  if (n <= 0) return false;
  t.failuresOwed[group.rid] = n - 1;
  t.refused.push(group.id);
  ctx.mark('host.core-failure');
  return true;
}

/** After the group's lifecycle started: answer refused groups Response Failure through the core (R23). */
export function answerRefused(s: HostState, env: IopfCoreEnv): void {
  const t = s.timeline;
  while (t.refused.length > 0) {
    const gid = t.refused.shift()!;
    lifeEvent(s, gid, { type: 'device.removed' }, env);
    if (iopfRespond(s.core, gid, iopfCode.FAILURE, env)) t.n.coreFailures++;
  }
}

/** write() of a cookie whose group iopf_queue_remove_device already answered: consumed, nothing sent. */
export function lateResponseAfterRemove(s: HostState, gid: number): boolean {
  if (!s.timeline.removedGroups.has(gid)) return false;
  s.timeline.removedGroups.delete(gid);
  s.timeline.n.lateResponsesAfterRemove++;
  return true;
}
