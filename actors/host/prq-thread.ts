// The host IOMMU driver's IRQ thread (intel/prq.c) on top of the shared PRQ consumer and its
// glue (src/queues/prq-consumer-glue.ts: per descriptor the bad-request checks, answered
// Invalid only when last, Stop Markers dropped, everything else reported to the IOPF core; the
// driver's page_response as a Page Group Response descriptor, cmd.pgResp, with the last
// request's RID, PASID present iff the request had one, and PRGI). Here: the host's side of it
// (attach-handle lookup, group delivery to the iommufd fault object, group life, the partial
// discard's bookkeeping). The callbacks the core and the consumer need are one HostDriver per step.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { IopfGroup, ReportResult } from '../../src/iopf/core.ts';
import type { IopfFault } from '../../src/iopf/fault.ts';
import type { PageGroupResponseFields } from '../../src/protocol/layouts.ts';
import { checkLayer, checkQueue } from '../../src/protocol/check-events.ts';
import { PrqDriverCache, PrqDriverGlue, sendPageGroupResponse, type PrqConsumerSide } from '../../src/queues/prq-consumer-glue.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { lifeDiscardPartials, lifeGroup, lifePartial } from './group-life.ts';
import { faultQueueAdd } from './fault-queue.ts';
import type { HostState } from './host-state.ts';
import { answerRefused, refuseGroup } from './timeline.ts';
import { faultOfHandle, findIopfHandle, ridKnown } from './ufd-objects.ts';

export const TO_IOMMU = 'host->iommu';
export const TO_VMM = 'host->vmm';

/** The host side of the shared consumer glue: the physical PRQ, mmio.* and cmd.pgResp towards the IOMMU. */
const hostSide: PrqConsumerSide = {
  layer: checkLayer.host,
  queue: checkQueue.prq,
  channel: TO_IOMMU,
  pgResp: 'cmd.pgResp',
  respondedHop: 'host.responded',
  marks: { stopMarkerDropped: 'host.stop-marker-dropped', noHandler: 'host.no-handler', overflowCleared: 'host.prq-overflow-cleared', partialsDiscarded: 'host.partials-discarded' },
};

export function sendPgResp(s: HostState, ctx: ActorCtx, f: PageGroupResponseFields): void {
  sendPageGroupResponse(s.outboxes, ctx, hostSide, f);
}

/**
 * The IRQ thread's callbacks for one step, as one object: the IOPF core's env (attach-handle
 * lookup, intel_iommu_page_response, iommufd_fault_iopf_handler) and the PRQ consumer's sink,
 * on the shared glue. Methods live on the prototype, so a step allocates this one object.
 */
export class HostDriver extends PrqDriverGlue<HostState> {
  constructor(s: HostState, ctx: ActorCtx) {
    super(s, ctx, hostSide);
  }

  findHandler(rid: number, pasidValid: boolean, pasid: number): number | null {
    return findIopfHandle(this.s.ufd, rid, pasidValid, pasid);
  }

  handle(group: IopfGroup): void {
    deliverGroup(this.s, this.ctx, group);
  }

  ridKnown(rid: number): boolean {
    return ridKnown(this.s.ufd, rid);
  }

  /** False only for the answer of a user write(): I2 then requires the VMM's answer first. */
  protected answerIsAuto(): boolean {
    return !this.s.answeringForUser;
  }

  protected override reported(fault: IopfFault, r: ReportResult): void {
    if (r.kind === 'partial') lifePartial(this.s, fault);
    else if (r.kind === 'group') {
      stamp(this.s.hops['host.received'], fault.ghost, this.ctx.now());
      lifeGroup(this.s, fault, r.groupId);
      answerRefused(this.s, this);
    }
  }

  protected override partialsDiscarded(): void {
    this.s.stats.partialSetsDiscarded += this.s.life.partial.size;
    lifeDiscardPartials(this.s);
  }
}

const hostDrivers = new PrqDriverCache<HostState, HostDriver>((s, ctx) => new HostDriver(s, ctx));
/** The HostDriver of (s, ctx), one per host and ctx (PrqDriverCache). */
export function hostDriver(s: HostState, ctx: ActorCtx): HostDriver {
  return hostDrivers.driverOf(s, ctx);
}

function deliverGroup(s: HostState, ctx: ActorCtx, group: IopfGroup): void {
  // Timeline vfResponseFailure: the core fails this function's group (R23), answered in HostDriver.reported.
  if (refuseGroup(s, group, ctx)) return;
  const fault = faultOfHandle(s.ufd, group.handler);
  if (fault === undefined) ctx.fail('FAULTLINE_HOST_HANDLER', `group ${group.id}: handle ${group.handler} has no fault object`);
  const ghost = group.faults[group.faults.length - 1]!.ghost;
  ctx.check({ type: 'chk.deliver', layer: checkLayer.host, ghost, requests: group.faults.length });
  const wasEmpty = fault.deliver.length === 0;
  faultQueueAdd(fault, group.id, ghost, ctx);
  if (wasEmpty && fault.fdOpen) pollin(s, ctx, fault.fd);
}

export function pollin(s: HostState, ctx: ActorCtx, fd: number): void {
  s.stats.pollins++;
  sendOrQueue(s.outboxes, ctx, TO_VMM, { type: 'ufd.pollin', fd });
}
