// Back-pressure for software queues, used by every tier: messages a full channel refused
// wait here, in order, until the runtime says the channel is writable again. Plain data,
// part of actor state.

import type { Message } from '../protocol/messages.ts';
import type { ActorCtx } from './define.ts';

export interface Outboxes {
  /** Messages waiting on every channel together: 0 sends without looking a backlog up (issue 9). */
  waiting: number;
  /** Channel → the messages it refused, oldest first (an array stays once made, empty or not). */
  byChannel: Record<string, Message[]>;
}

/** Every actor's outboxes have this one shape, so `waiting` is one monomorphic load in sendOrQueue. */
export function createOutboxes(): Outboxes {
  return { waiting: 0, byChannel: {} };
}

/** Send in order: once a channel has a backlog, new messages queue behind it. */
export function sendOrQueue(out: Outboxes, ctx: ActorCtx, channel: string, msg: Message): void {
  // The channel lookup by name is a megamorphic keyed load (every actor's channels differ): only
  // made while something waits somewhere.
  if (out.waiting > 0) {
    const backlog = out.byChannel[channel];
    if (backlog && backlog.length > 0) {
      backlog.push(msg);
      out.waiting++;
      return;
    }
  }
  if (ctx.send(channel, msg)) return;
  (out.byChannel[channel] ??= []).push(msg);
  out.waiting++;
}

export function flushOutbox(out: Outboxes, ctx: ActorCtx, channel: string): void {
  const backlog = out.byChannel[channel];
  if (!backlog) return;
  let sent = 0;
  while (sent < backlog.length && ctx.send(channel, backlog[sent]!)) sent++;
  backlog.splice(0, sent);
  out.waiting -= sent;
}

export function backlogSize(out: Outboxes): number {
  return out.waiting;
}
