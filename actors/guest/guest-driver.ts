// The guest IOMMU driver's fault path: the vPRQ IRQ thread (shared PRQ consumer with vmmio.*
// registers and the shared bad-request checks), its IOPF core with one handler per address
// space of the config (vRID, vPASID or RID), and one guest-group machine per group: the
// handler runs for handlerCostNs (a guest.handlerDone timer), then the group is answered with a
// Page Group Response on the virtual command queue (vcmd.pgResp). The callbacks the core and
// the consumer need are one GuestDriver per step.

import type { ActorCtx } from '../../src/actor/define.ts';
import { classifyRequest } from '../../src/iopf/classify.ts';
import { iopfDiscardPartials, iopfReport, iopfRespond, type IopfCoreEnv, type IopfGroup } from '../../src/iopf/core.ts';
import { decodePageRequest } from '../../src/protocol/layouts.ts';
import { faultFromRequest, iopfCode, pcieCodeOf, type IopfCode, type IopfFault } from '../../src/iopf/fault.ts';
import { executorFor, type Effect } from '../../src/machines/index.ts';
import { encodePageGroupResponse, type PageGroupResponseFields } from '../../src/protocol/layouts.ts';
import type { Message } from '../../src/protocol/messages.ts';
import type { PrqConsumerSink, PrqDescriptor } from '../../src/queues/prq-consumer.ts';
import { checkLayer, checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { guestGroupMachine } from '../../machines/guest-group.machine.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { handleGroup } from './fault-handler.ts';
import { takeFailure } from './timeline.ts';
import type { GuestState } from './guest-state.ts';

export const TO_VMM = 'guest->vmm';
export const GUEST_S1 = 'guest.s1';

const exec = executorFor(guestGroupMachine);

function sendPgResp(s: GuestState, ctx: ActorCtx, f: PageGroupResponseFields): void {
  sendOrQueue(s.outboxes, ctx, TO_VMM, { type: 'vcmd.pgResp', ...encodePageGroupResponse(f) });
}

/**
 * The guest driver's callbacks for one step, as one object: the IOPF core's env (handler per
 * address space by vRID and vPASID or RID, page_response on the virtual command queue, the
 * handler start) and the vPRQ consumer's sink. Methods live on the prototype, so a step
 * allocates this one object and no closures.
 */
export class GuestDriver implements IopfCoreEnv, PrqConsumerSink {
  private readonly s: GuestState;
  private readonly ctx: ActorCtx;

  constructor(s: GuestState, ctx: ActorCtx) {
    this.s = s;
    this.ctx = ctx;
  }

  findHandler(rid: number, pasidValid: boolean, pasid: number): number | null {
    for (const sp of this.s.cfg.spaces) {
      if (sp.vrid === rid && (pasidValid ? sp.vpasid === pasid : sp.vpasid === null)) return sp.asid;
    }
    return null;
  }

  pageResponse(last: IopfFault, code: IopfCode): void {
    stamp(this.s.hops['guest.responded'], last.ghost, this.ctx.now());
    this.ctx.check({ type: 'chk.respond', layer: checkLayer.guest, ghost: last.ghost, code: pcieCodeOf(code), rid: last.rid, prgi: last.prgi, auto: false });
    sendPgResp(this.s, this.ctx, { rid: last.rid, pasidPresent: last.pasidValid, pasid: last.pasid, prgi: last.prgi, code: pcieCodeOf(code) });
  }

  handle(group: IopfGroup): void {
    startGroup(this.s, this.ctx, group);
  }

  send(msg: Message): void {
    sendOrQueue(this.s.outboxes, this.ctx, TO_VMM, msg);
  }

  descriptor(d: PrqDescriptor): void {
    handleDescriptor(this.s, this.ctx, this, d);
  }

  discardPartials(): void {
    this.s.stats.overflowDiscardRounds++;
    for (const key in this.s.core.devices) {
      for (const p of this.s.core.devices[key]!.partials) {
        this.ctx.check({ type: 'chk.retire', layer: checkLayer.guest, ghost: p.ghost, reason: checkReason.discardPartial, requests: 1 });
      }
    }
    iopfDiscardPartials(this.s.core);
  }
}

function startGroup(s: GuestState, ctx: ActorCtx, group: IopfGroup): void {
  const ghost = group.faults[group.faults.length - 1]!.ghost;
  stamp(s.hops['guest.received'], ghost, ctx.now());
  ctx.check({ type: 'chk.deliver', layer: checkLayer.guest, ghost, requests: group.faults.length });
  const m = exec.initial({ faults: group.faults.length });
  s.groups.set(group.id, m);
  const effects: Effect[] = [];
  exec.step(m, { type: 'handle.start' }, effects);
  for (const e of effects) {
    if (e.type === 'armHandler') ctx.timer(s.cfg.handlerCostNs, { type: 'guest.handlerDone', groupId: group.id });
  }
}

/** The handler's work is done: fix guest.s1 and answer the group through the core. */
export function handlerDone(s: GuestState, ctx: ActorCtx, groupId: number): void {
  const m = s.groups.get(groupId);
  const group = s.core.groups.get(groupId);
  if (m === undefined || group === undefined) {
    s.stats.handlerTimersStale++;
    return;
  }
  const out = handleGroup(s, ctx.mem(GUEST_S1), group);
  const effects: Effect[] = [];
  exec.step(m, { type: 'handle.done', code: out.code as 0 | 1, pagesMapped: out.pagesMapped }, effects);
  if (!(m.status === 'done')) ctx.assert(false, 'FAULTLINE_GUEST_GROUP', `group ${groupId} not answered after its handler ran (state ${m.value})`);
  // A timeline guestFailure answers this device's next groups Response Failure instead (timeline.ts).
  const fail = takeFailure(s.timeline, group.rid, ctx);
  for (const e of effects) {
    if (e.type === 'respond') iopfRespond(s.core, groupId, fail ? iopfCode.FAILURE : ((e.params as { code: number }).code as IopfCode), new GuestDriver(s, ctx));
  }
  s.stats.groupsHandled++;
  s.groups.delete(groupId);
}

function vridKnown(s: GuestState, rid: number): boolean {
  for (const sp of s.cfg.spaces) if (sp.vrid === rid) return true;
  return false;
}

function handleDescriptor(s: GuestState, ctx: ActorCtx, env: IopfCoreEnv, d: PrqDescriptor): void {
  const req = decodePageRequest(d);
  ctx.check({ type: 'chk.queue', queue: checkQueue.vprq, op: checkQueueOp.dequeue, ghost: d.ghost, count: 1, reason: checkReason.none });
  const c = classifyRequest(req, (rid) => vridKnown(s, rid));
  if (c.kind === 'stopMarker') {
    s.stats.stopMarkers++;
    return;
  }
  if (c.kind === 'malformed') {
    s.stats.malformed[c.reason] = (s.stats.malformed[c.reason] ?? 0) + 1;
    if (!req.last) {
      ctx.check({ type: 'chk.retire', layer: checkLayer.guest, ghost: d.ghost, reason: checkReason.malformed, requests: 1 });
      return;
    }
    s.stats.badRequestsAnswered++;
    ctx.check({ type: 'chk.respond', layer: checkLayer.guest, ghost: d.ghost, code: pcieCodeOf(iopfCode.INVALID), rid: req.rid, prgi: req.prgi, auto: true });
    sendPgResp(s, ctx, { rid: req.rid, pasidPresent: req.pasidPresent, pasid: req.pasid, prgi: req.prgi, code: pcieCodeOf(iopfCode.INVALID) });
    return;
  }
  ctx.check({ type: 'chk.reqSeen', layer: checkLayer.guest, ghost: d.ghost, page: Math.floor(req.addr / 4096), last: req.last });
  const r = iopfReport(s.core, faultFromRequest(req, d.ghost), env);
  if (r.kind === 'noHandler' && !r.answered) {
    ctx.check({ type: 'chk.retire', layer: checkLayer.guest, ghost: d.ghost, reason: checkReason.noHandler, requests: 1 });
  }
}
