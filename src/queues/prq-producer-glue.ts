// The glue between a PRQ producer (prq-producer.ts) and the tier that owns it, written once for
// the physical IOMMU (PRQ → host, actors/iommu) and the VMM's vIOMMU (vPRQ → guest, actors/vmm).
// It owns what both did around the queue rules: for an offered descriptor the check events
// (enqueue, or drop with reason overflow), the descriptor and the event interrupt on the side's
// channel (in order behind its backlog, so a register read answer follows every descriptor
// written before it), the full / dropped-while-overflow marks; for the consumer's register
// accesses the bad-write mark and the read answer. What differs is a PrqProducerSide (checker
// queue id, channel, message names, marks) and the auto-response policy of a call. The tier
// keeps its own counters (named per tier in its stats) from the results, and acts on a
// dropped last request's auto-response code itself.

import type { ActorCtx } from '../actor/define.ts';
import { sendOrQueue, type Outboxes } from '../actor/outbox.ts';
import type { AutoResponse } from '../config/tier-configs.ts';
import { checkQueueOp, checkReason, type CheckQueue } from '../protocol/check-events.ts';
import { encodePageRequestInto, type PageRequestFields, type Words4 } from '../protocol/layouts.ts';
import type { Message } from '../protocol/messages.ts';
import { prqEnqueue, prqReadRegister, prqWriteRegister, type EnqueueResult, type PrqProducerState, type RegisterWriteResult } from './prq-producer.ts';

/** What differs between the IOMMU's PRQ and the VMM's virtual PRQ. */
export interface PrqProducerSide {
  /** Checker queue id of the produced queue. */
  queue: CheckQueue;
  /** The channel towards the consumer: descriptors, interrupts and register read answers. */
  channel: string;
  desc: 'prq.desc' | 'vprq.desc';
  irq: 'prq.irq' | 'vprq.irq';
  readResult: 'mmio.readResult' | 'vmmio.readResult';
  marks: {
    /** A request dropped on a full queue (PRO set by it). */
    full: string;
    /** A request dropped while PRO was set. */
    overflow: string;
    /** A register write the queue refused (read-only or unknown register). */
    badRegisterWrite: string;
  };
}

/** A page request descriptor as the message that carries it to the consumer: the words and the simulator-only ghost id. */
export type PrqDescMessage = Words4 & { type: PrqProducerSide['desc']; ghost: number };

/**
 * A page request encoded straight into its descriptor message on `side` (issue 9: no words
 * object copied into the message), for producePageRequest.
 */
export function prqDescMessage(side: PrqProducerSide, f: PageRequestFields, ghost: number): PrqDescMessage {
  return encodePageRequestInto(f, { type: side.desc, w0: 0, w1: 0, w2: 0, w3: 0, ghost });
}

/**
 * Offer one page request descriptor (prqDescMessage): queued → enqueue check event and the
 * descriptor; dropped → the reason's mark and a drop check event; then the interrupt when the
 * producer raised one. Returns the producer's result for the tier's counters and auto-response.
 */
export function producePageRequest(q: PrqProducerState, side: PrqProducerSide, outboxes: Outboxes, ctx: ActorCtx, desc: PrqDescMessage, policy: AutoResponse): EnqueueResult {
  const ghost = desc.ghost;
  const r = prqEnqueue(q, desc, policy);
  if (r.kind === 'queued') {
    ctx.check({ type: 'chk.queue', queue: side.queue, op: checkQueueOp.enqueue, ghost, count: 1, reason: checkReason.none });
    sendOrQueue(outboxes, ctx, side.channel, desc as Message);
  } else {
    ctx.mark(r.reason === 'full' ? side.marks.full : side.marks.overflow);
    ctx.check({ type: 'chk.queue', queue: side.queue, op: checkQueueOp.drop, ghost, count: 1, reason: checkReason.overflow });
  }
  if (r.raiseIrq) sendOrQueue(outboxes, ctx, side.channel, { type: side.irq } as Message);
  return r;
}

/** The consumer's register write; a refused one is marked. */
export function producerRegisterWrite(q: PrqProducerState, side: PrqProducerSide, ctx: ActorCtx, reg: number, value: number): RegisterWriteResult {
  const r = prqWriteRegister(q, reg, value);
  if (r !== 'ok') ctx.mark(side.marks.badRegisterWrite);
  return r;
}

/**
 * The consumer's register read, answered on the side's channel (unknown registers read as 0,
 * as reserved MMIO does). Returns the register's value, or null for a register the queue does not have.
 */
export function producerRegisterRead(q: PrqProducerState, side: PrqProducerSide, outboxes: Outboxes, ctx: ActorCtx, reg: number, tag: number): number | null {
  const value = prqReadRegister(q, reg);
  sendOrQueue(outboxes, ctx, side.channel, { type: side.readResult, reg, tag, value: value ?? 0 } as Message);
  return value;
}
