// A hand-driven ActorCtx for unit tests of one tier: the shared ctx (src/actor/ctx.ts) over a
// backend that records what the actor sends, which timers it sets and which marks it hits;
// channels can be made to refuse; time and memory are set by the test.

import { createActorCtx } from '../../src/actor/ctx.ts';
import type { ActorCtx, MemView } from '../../src/actor/define.ts';
import type { CheckEvent, Message } from '../../src/protocol/messages.ts';
import { plainMemView } from '../../src/runtime/mem-view.ts';

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
  const memories = new Map<string, MemView>();
  for (const [name, words] of Object.entries(opts.memories ?? {})) memories.set(name, plainMemView(name, new Int32Array(words)));
  const marks = new Map<string, number>();
  // The backend reads and writes the test's fields on `fake` (assigned below), so a test can set nowNs and full.
  const inner = createActorCtx(opts.self ?? 'actor', {
    rngSeed: opts.seed ?? 1,
    rngStream: 1,
    marks,
    memories,
    now: () => fake.nowNs,
    send(channel, msg) {
      if (fake.full.has(channel)) return false;
      fake.sent.push({ channel, msg });
      return true;
    },
    timerAt(atNs, msg) {
      fake.timers.push({ atNs, msg });
    },
    check(event) {
      fake.checks.push(event);
    },
  });
  const fake: FakeCtx = Object.assign(inner, {
    sent: [] as FakeCtx['sent'],
    timers: [] as FakeCtx['timers'],
    marks,
    checks: [] as CheckEvent[],
    nowNs: 0,
    full: new Set<string>(),
    take(channel?: string): Message[] {
      const out = fake.sent.filter((s) => channel === undefined || s.channel === channel).map((s) => s.msg);
      fake.sent = fake.sent.filter((s) => channel !== undefined && s.channel !== channel);
      return out;
    },
    dueTimers(): Message[] {
      const due = fake.timers.filter((t) => t.atNs <= fake.nowNs).sort((a, b) => a.atNs - b.atNs);
      fake.timers = fake.timers.filter((t) => t.atNs > fake.nowNs);
      return due.map((t) => t.msg);
    },
  });
  return fake;
}
