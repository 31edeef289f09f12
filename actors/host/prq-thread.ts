// The host IOMMU driver's IRQ thread (intel/prq.c) on top of the shared PRQ consumer: per
// descriptor the bad-request checks (answered Invalid only when last), Stop Markers dropped,
// everything else reported to the IOPF core; the driver's page_response turns a core answer
// into a Page Group Response descriptor (cmd.pgResp) with the last request's RID, PASID
// (present iff the request had one) and PRGI. The callbacks the core and the consumer need
// are one HostDriver per step.

import type { ActorCtx } from '../../src/actor/define.ts';
import { classifyRequest } from '../../src/iopf/classify.ts';
import { iopfReport, type IopfCoreEnv, type IopfGroup } from '../../src/iopf/core.ts';
import { decodePageRequest } from '../../src/protocol/layouts.ts';
import { faultFromRequest, iopfCode, pcieCodeOf, type IopfCode, type IopfFault } from '../../src/iopf/fault.ts';
import { encodePageGroupResponse, type PageGroupResponseFields } from '../../src/protocol/layouts.ts';
import { checkLayer, checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import type { Message } from '../../src/protocol/messages.ts';
import type { PrqConsumerSink, PrqDescriptor } from '../../src/queues/prq-consumer.ts';
import { iopfDiscardPartials } from '../../src/iopf/core.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { lifeDiscardPartials, lifeGroup, lifePartial } from './group-life.ts';
import { faultQueueAdd } from './fault-queue.ts';
import { bump, type HostState } from './host-state.ts';
import { answerRefused, refuseGroup } from './timeline.ts';
import { faultOfHandle, findIopfHandle, ridKnown } from './ufd-objects.ts';

export const TO_IOMMU = 'host->iommu';
export const TO_VMM = 'host->vmm';

export function sendPgResp(s: HostState, ctx: ActorCtx, f: PageGroupResponseFields): void {
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.pgResp', ...encodePageGroupResponse(f) });
}

/**
 * The IRQ thread's callbacks for one step, as one object: the IOPF core's env (attach-handle
 * lookup, intel_iommu_page_response, iommufd_fault_iopf_handler) and the PRQ consumer's sink.
 * Methods live on the prototype, so a step allocates this one object and no closures.
 */
export class HostDriver implements IopfCoreEnv, PrqConsumerSink {
  private readonly s: HostState;
  private readonly ctx: ActorCtx;

  constructor(s: HostState, ctx: ActorCtx) {
    this.s = s;
    this.ctx = ctx;
  }

  findHandler(rid: number, pasidValid: boolean, pasid: number): number | null {
    return findIopfHandle(this.s.ufd, rid, pasidValid, pasid);
  }

  pageResponse(last: IopfFault, code: IopfCode): void {
    stamp(this.s.hops['host.responded'], last.ghost, this.ctx.now());
    // auto = false only for the answer of a user write(): I2 then requires the VMM's answer first.
    this.ctx.check({ type: 'chk.respond', layer: checkLayer.host, ghost: last.ghost, code: pcieCodeOf(code), rid: last.rid, prgi: last.prgi, auto: !this.s.answeringForUser });
    sendPgResp(this.s, this.ctx, { rid: last.rid, pasidPresent: last.pasidValid, pasid: last.pasid, prgi: last.prgi, code: pcieCodeOf(code) });
  }

  handle(group: IopfGroup): void {
    deliverGroup(this.s, this.ctx, group);
  }

  send(msg: Message): void {
    sendOrQueue(this.s.outboxes, this.ctx, TO_IOMMU, msg);
  }

  descriptor(d: PrqDescriptor): void {
    handleDescriptor(this.s, this.ctx, this, d);
  }

  discardPartials(): void {
    this.ctx.mark('host.prq-overflow-cleared');
    for (const key in this.s.core.devices) {
      for (const p of this.s.core.devices[key]!.partials) {
        this.ctx.check({ type: 'chk.retire', layer: checkLayer.host, ghost: p.ghost, reason: checkReason.discardPartial, requests: 1 });
      }
    }
    if (iopfDiscardPartials(this.s.core) > 0) this.ctx.mark('host.partials-discarded');
    this.s.stats.partialSetsDiscarded += this.s.life.partial.size;
    lifeDiscardPartials(this.s);
  }
}

function deliverGroup(s: HostState, ctx: ActorCtx, group: IopfGroup): void {
  // Timeline vfResponseFailure: the core fails this function's group (R23), answered in handleDescriptor.
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

function handleDescriptor(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, d: PrqDescriptor): void {
  const req = decodePageRequest(d);
  ctx.check({ type: 'chk.queue', queue: checkQueue.prq, op: checkQueueOp.dequeue, ghost: d.ghost, count: 1, reason: checkReason.none });
  const c = classifyRequest(req, (rid) => ridKnown(s.ufd, rid));
  if (c.kind === 'stopMarker') {
    s.stats.stopMarkers++;
    ctx.mark('host.stop-marker-dropped');
    return;
  }
  if (c.kind === 'malformed') {
    bump(s.stats.malformed, c.reason);
    if (!req.last) {
      ctx.check({ type: 'chk.retire', layer: checkLayer.host, ghost: d.ghost, reason: checkReason.malformed, requests: 1 });
      return;
    }
    s.stats.badRequestsAnswered++;
    ctx.check({ type: 'chk.respond', layer: checkLayer.host, ghost: d.ghost, code: pcieCodeOf(iopfCode.INVALID), rid: req.rid, prgi: req.prgi, auto: true });
    sendPgResp(s, ctx, { rid: req.rid, pasidPresent: req.pasidPresent, pasid: req.pasid, prgi: req.prgi, code: pcieCodeOf(iopfCode.INVALID) });
    return;
  }
  const fault = faultFromRequest(req, d.ghost);
  ctx.check({ type: 'chk.reqSeen', layer: checkLayer.host, ghost: d.ghost, page: Math.floor(req.addr / 4096), last: req.last });
  const r = iopfReport(s.core, fault, env);
  if (r.kind === 'noHandler') ctx.mark('host.no-handler');
  if (r.kind === 'noHandler' && !r.answered) {
    ctx.check({ type: 'chk.retire', layer: checkLayer.host, ghost: d.ghost, reason: checkReason.noHandler, requests: 1 });
  }
  if (r.kind === 'partial') lifePartial(s, fault);
  else if (r.kind === 'group') {
    stamp(s.hops['host.received'], fault.ghost, ctx.now());
    lifeGroup(s, fault, r.groupId);
    answerRefused(s, env);
  }
}
