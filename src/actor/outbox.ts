// Back-pressure for software queues, used by every tier: messages a full channel refused
// wait here, in order, until the runtime says the channel is writable again. Plain data,
// part of actor state.

import type { Message } from '../protocol/messages.ts';
import type { ActorCtx } from './define.ts';

export type Outboxes = Record<string, Message[]>;

/** Send in order: once a channel has a backlog, new messages queue behind it. */
export function sendOrQueue(out: Outboxes, ctx: ActorCtx, channel: string, msg: Message): void {
  const backlog = out[channel];
  if (backlog && backlog.length > 0) backlog.push(msg);
  else if (!ctx.send(channel, msg)) (out[channel] ??= []).push(msg);
}

export function flushOutbox(out: Outboxes, ctx: ActorCtx, channel: string): void {
  const backlog = out[channel];
  if (!backlog) return;
  let sent = 0;
  while (sent < backlog.length && ctx.send(channel, backlog[sent]!)) sent++;
  backlog.splice(0, sent);
}

export function backlogSize(out: Outboxes): number {
  let n = 0;
  for (const k in out) n += out[k]!.length;
  return n;
}
