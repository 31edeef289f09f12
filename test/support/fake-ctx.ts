// A hand-driven ActorCtx for unit tests of one tier: it records what the actor sends,
// which timers it sets and which marks it hits; channels can be made to refuse; time and
// memory are set by the test.

import type { ActorCtx, MemView } from '../../src/actor/define.ts';
import type { CheckEvent, Message } from '../../src/protocol/messages.ts';
import { plainMemView } from '../../src/runtime/mem-view.ts';
import { FaultlineError } from '../../src/util/errors.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

export interface FakeCtx extends ActorCtx {
  sent: { channel: string; msg: Message }[];
  timers: { atNs: number; msg: Message }[];
  marks: Map<string, number>;
  /** Check events the actor emitted, in order. */
  checks: CheckEvent[];
  nowNs: number;
  /** Channels whose sends return false. */
  full: Set<string>;
  /** Take and clear what was sent (optionally only on one channel). */
  take(channel?: string): Message[];
  /** Remove and return the timers due at or before nowNs, earliest first. */
  dueTimers(): Message[];
}

export function fakeCtx(opts: { self?: string; seed?: number; memories?: Record<string, number> } = {}): FakeCtx {
  const views = new Map<string, MemView>();
  for (const [name, words] of Object.entries(opts.memories ?? {})) views.set(name, plainMemView(name, new Int32Array(words)));
  const ctx: FakeCtx = {
    self: opts.self ?? 'actor',
    sent: [],
    timers: [],
    marks: new Map(),
    checks: [],
    nowNs: 0,
    full: new Set(),
    rng: createRng(rngStateFrom(opts.seed ?? 1, 1)),
    now: () => ctx.nowNs,
    send(channel, msg) {
      if (ctx.full.has(channel)) return false;
      ctx.sent.push({ channel, msg });
      return true;
    },
    timer(delayNs, msg) {
      ctx.timers.push({ atNs: ctx.nowNs + delayNs, msg });
    },
    check(event) {
      ctx.checks.push(event);
    },
    mark(name) {
      ctx.marks.set(name, (ctx.marks.get(name) ?? 0) + 1);
    },
    assert(cond, code, detail) {
      if (!cond) throw new FaultlineError(code, `assertion failed in '${ctx.self}'${detail ? `: ${detail}` : ''}`);
    },
    mem(region) {
      const v = views.get(region);
      if (!v) throw new FaultlineError('FAULTLINE_UNKNOWN_MEMORY', `no memory '${region}' in this fake ctx`);
      return v;
    },
    take(channel) {
      const out = ctx.sent.filter((s) => channel === undefined || s.channel === channel).map((s) => s.msg);
      ctx.sent = ctx.sent.filter((s) => channel !== undefined && s.channel !== channel);
      return out;
    },
    dueTimers() {
      const due = ctx.timers.filter((t) => t.atNs <= ctx.nowNs).sort((a, b) => a.atNs - b.atNs);
      ctx.timers = ctx.timers.filter((t) => t.atNs > ctx.nowNs);
      return due.map((t) => t.msg);
    },
  };
  return ctx;
}
