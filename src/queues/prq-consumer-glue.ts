// The glue between a PRQ consumer (prq-consumer.ts) and the driver that owns it, written once
// for the host IRQ thread (PRQ, actors/host/prq-thread.ts) and the guest driver (vPRQ,
// actors/guest/guest-driver.ts). It owns what both drivers do around the queue rules: the
// consumer's sink (register messages out on the driver's channel, in order behind any backlog),
// the per-descriptor path of prq_event_thread (dequeue check event, the shared bad-request
// checks, Stop Markers dropped, malformed requests answered Invalid only when last, the rest
// reported to the IOPF core), page_response as a Page Group Response descriptor, and the
// partial-group discard before PRO is cleared. What really differs between the two drivers is
// a PrqConsumerSide (check layer and queue, channel, response message, hop, marks) plus the
// hooks a subclass implements (handler lookup, known requesters, group delivery, what to note
// after a report or a discard, whether its answers are its own).
// A driver is one object per step with its methods on the prototype: no closures per message.

import type { ActorCtx } from '../actor/define.ts';
import { sendOrQueue, type Outboxes } from '../actor/outbox.ts';
import { classifyFault, type MalformedReason, type RequesterCheck } from '../iopf/classify.ts';
import { iopfDiscardPartials, iopfFreeFault, iopfNewFault, iopfReport, type HandlerKey, type IopfCoreEnv, type IopfCoreState, type IopfGroup, type ReportResult } from '../iopf/core.ts';
import { faultFromDescriptor, iopfCode, pcieCodeOf, type IopfCode, type IopfFault } from '../iopf/fault.ts';
import { stamp, type HopStamps } from '../metrics/hop-stamps.ts';
import { checkQueueOp, checkReason, type CheckLayer, type CheckQueue } from '../protocol/check-events.ts';
import { encodePageGroupResponseInto, encodePageGroupResponseOf, prqPasid, type PageGroupResponseFields } from '../protocol/layouts.ts';
import type { Message } from '../protocol/messages.ts';
import type { PrqConsumerSink, PrqDescriptor } from './prq-consumer.ts';

/** What differs between the host's PRQ consumer and the guest's vPRQ consumer. */
export interface PrqConsumerSide {
  /** Check-event layer of the driver. */
  layer: CheckLayer;
  /** Checker queue id of the consumed queue. */
  queue: CheckQueue;
  /** The driver's outbound channel: register accesses and page group responses. */
  channel: string;
  /** Page Group Response message type on that channel. */
  pgResp: 'cmd.pgResp' | 'vcmd.pgResp';
  /** Hop stamp (state.hops key) taken when a page response is sent. */
  respondedHop: string;
  /** Coverage marks; null where the driver has none. */
  marks: {
    stopMarkerDropped: string | null;
    noHandler: string | null;
    /** PRO is about to be cleared after an empty recheck. */
    overflowCleared: string | null;
    /** The discard freed at least one partial request. */
    partialsDiscarded: string | null;
  };
}

/** The part of a driver's state the glue reads and counts into. */
export interface PrqDriverState {
  outboxes: Outboxes;
  core: IopfCoreState;
  hops: Record<string, HopStamps>;
  stats: { stopMarkers: number; malformed: Record<string, number>; badRequestsAnswered: number };
}

/** One Page Group Response on the driver's channel, in order behind its backlog. */
export function sendPageGroupResponse(outboxes: Outboxes, ctx: ActorCtx, side: PrqConsumerSide, f: PageGroupResponseFields): void {
  // Encoded straight into the message, not spread after `type` (a generic copy, several times slower; issue 9).
  const msg = { type: side.pgResp, w0: 0, w1: 0, w2: 0, w3: 0 };
  sendOrQueue(outboxes, ctx, side.channel, encodePageGroupResponseInto(f, msg) as Message);
}

/**
 * A driver's callbacks for one step: the IOPF core's env and the PRQ consumer's sink. Subclasses
 * supply the handler lookup, group delivery and the requester check; the hooks default to nothing.
 */
export abstract class PrqDriverGlue<S extends PrqDriverState> implements IopfCoreEnv, PrqConsumerSink, RequesterCheck {
  protected readonly s: S;
  protected readonly ctx: ActorCtx;
  protected readonly side: PrqConsumerSide;

  constructor(s: S, ctx: ActorCtx, side: PrqConsumerSide) {
    this.s = s;
    this.ctx = ctx;
    this.side = side;
  }

  /** Whether this driver is the one of actor state `s` stepping with `ctx` (driver caches: it keeps no state of its own). */
  isFor(s: S, ctx: ActorCtx): boolean {
    return this.s === s && this.ctx === ctx;
  }

  abstract findHandler(rid: number, pasidValid: boolean, pasid: number): HandlerKey | null;
  abstract handle(group: IopfGroup): void;
  /** Whether a requester ID names a device this driver knows (else the request is malformed). */
  abstract ridKnown(rid: number): boolean;
  /** The `auto` flag of a core answer's chk.respond: true when not passing on an answer from above. */
  protected abstract answerIsAuto(): boolean;
  /** After a well-formed request was reported to the IOPF core. */
  protected reported(_fault: IopfFault, _r: ReportResult): void {}
  /** After the partial groups were discarded (`freed` requests). */
  protected partialsDiscarded(_freed: number): void {}

  pageResponse(last: IopfFault, code: IopfCode): void {
    stamp(this.s.hops[this.side.respondedHop]!, last.ghost, this.ctx.now());
    this.ctx.check({ type: 'chk.respond', layer: this.side.layer, ghost: last.ghost, code: pcieCodeOf(code), rid: last.rid, prgi: last.prgi, auto: this.answerIsAuto() });
    // Encoded from the last request's record into the message (no fields object per response; issue 9).
    const msg = { type: this.side.pgResp, w0: 0, w1: 0, w2: 0, w3: 0 };
    encodePageGroupResponseOf(last.rid, last.pasidValid, last.pasid, last.prgi, pcieCodeOf(code), msg);
    sendOrQueue(this.s.outboxes, this.ctx, this.side.channel, msg as Message);
  }

  sendPgResp(f: PageGroupResponseFields): void {
    sendPageGroupResponse(this.s.outboxes, this.ctx, this.side, f);
  }

  send(msg: Message): void {
    sendOrQueue(this.s.outboxes, this.ctx, this.side.channel, msg);
  }

  /** One descriptor of a batch, in the order of prq_event_thread. */
  descriptor(d: PrqDescriptor): void {
    const { s, ctx, side } = this;
    // Decoded once, into the record the core keeps (issue 9: no decoded copy per descriptor).
    const fault = faultFromDescriptor(d, d.ghost, iopfNewFault(s.core));
    ctx.check({ type: 'chk.queue', queue: side.queue, op: checkQueueOp.dequeue, ghost: d.ghost, count: 1, reason: checkReason.none });
    const c = classifyFault(fault, this);
    if (c.kind === 'stopMarker') {
      s.stats.stopMarkers++;
      if (side.marks.stopMarkerDropped !== null) ctx.mark(side.marks.stopMarkerDropped);
      iopfFreeFault(s.core, fault);
      return;
    }
    if (c.kind === 'malformed') {
      this.badRequest(fault, c.reason, prqPasid(d));
      iopfFreeFault(s.core, fault);
      return;
    }
    ctx.check({ type: 'chk.reqSeen', layer: side.layer, ghost: d.ghost, page: Math.floor(fault.addr / 4096), last: fault.last });
    const r = iopfReport(s.core, fault, this);
    if (r.kind === 'noHandler') {
      if (side.marks.noHandler !== null) ctx.mark(side.marks.noHandler);
      if (!r.answered) ctx.check({ type: 'chk.retire', layer: side.layer, ghost: d.ghost, reason: checkReason.noHandler, requests: 1 });
    }
    this.reported(fault, r);
    if (r.kind === 'noHandler') iopfFreeFault(s.core, fault);
  }

  /** handle_bad_prq_event: a malformed request is answered Invalid when last, retired otherwise; `pasid` is the descriptor's field as it is, present or not. */
  private badRequest(fault: IopfFault, reason: MalformedReason, pasid: number): void {
    const { s, ctx, side } = this;
    s.stats.malformed[reason] = (s.stats.malformed[reason] ?? 0) + 1;
    if (!fault.last) {
      ctx.check({ type: 'chk.retire', layer: side.layer, ghost: fault.ghost, reason: checkReason.malformed, requests: 1 });
      return;
    }
    s.stats.badRequestsAnswered++;
    ctx.check({ type: 'chk.respond', layer: side.layer, ghost: fault.ghost, code: pcieCodeOf(iopfCode.INVALID), rid: fault.rid, prgi: fault.prgi, auto: true });
    this.sendPgResp({ rid: fault.rid, pasidPresent: fault.pasidValid, pasid, prgi: fault.prgi, code: pcieCodeOf(iopfCode.INVALID) });
  }

  /** Before PRO is cleared: every partial request is retired, then the core frees them. */
  discardPartials(): void {
    const { s, ctx, side } = this;
    if (side.marks.overflowCleared !== null) ctx.mark(side.marks.overflowCleared);
    for (const key in s.core.devices) {
      for (const p of s.core.devices[key]!.partials) {
        ctx.check({ type: 'chk.retire', layer: side.layer, ghost: p.ghost, reason: checkReason.discardPartial, requests: 1 });
      }
    }
    const freed = iopfDiscardPartials(s.core);
    if (freed > 0 && side.marks.partialsDiscarded !== null) ctx.mark(side.marks.partialsDiscarded);
    this.partialsDiscarded(freed);
  }
}

/**
 * A driver per (actor state, ctx), kept while the same actor steps with the same ctx (every
 * runtime gives an actor one ctx for its life) instead of a new one per step (issue 9); a driver
 * holds nothing but s, ctx and its side, so sharing it changes nothing. Weakly keyed by the ctx:
 * a module-level "last driver" kept the last run's ctx, and through it that run's checker and
 * channels, alive after the run had returned.
 */
export class PrqDriverCache<S extends PrqDriverState, D extends PrqDriverGlue<S>> {
  private readonly byCtx = new WeakMap<ActorCtx, D>();
  private readonly make: (s: S, ctx: ActorCtx) => D;

  constructor(make: (s: S, ctx: ActorCtx) => D) {
    this.make = make;
  }

  driverOf(s: S, ctx: ActorCtx): D {
    const d = this.byCtx.get(ctx);
    if (d?.isFor(s, ctx)) return d;
    const made = this.make(s, ctx);
    this.byCtx.set(ctx, made);
    return made;
  }
}
