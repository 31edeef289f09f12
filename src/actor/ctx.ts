// The one ActorCtx implementation. Every place that steps an actor (the simulator, the
// threads, the recorded replay, the host harness, the tests' fake ctx) builds its ctx here
// from a small backend holding only what really differs between them: how a send is queued,
// what the clock reads, where a timer goes and where a check event goes. What is the same
// everywhere lives here once: the random stream, mark counting, memory lookup, timer delay
// checks and the programmer errors (a failed assert or fail, a bad send, an unknown region).
//
// Hot path: send, now and check are the backend's own functions placed on the ctx as they
// are (no wrapper call), so a step pays what it paid with a hand-built object literal.

import type { CheckEvent, Message } from '../protocol/messages.ts';
import { fail as raise } from '../util/errors.ts';
import { sample, type Distribution } from '../util/distribution.ts';
import { createRng, rngStateFrom, type Rng } from '../util/rng.ts';
import type { ActorCtx, MemView } from './define.ts';

/** What differs between the places that step an actor. Its functions must not depend on `this`. */
export interface CtxBackend {
  /**
   * Queue `msg` on `channel`; false when the channel is full. Checks that the actor owns the
   * channel (ownedChannels and badSendChannel below) where there is a topology.
   */
  send(channel: string, msg: Message): boolean;
  /** The clock ctx.now() reads (ns). */
  now(): number;
  /** Deliver `msg` to this actor itself at `atNs` (ctx.timer has checked the delay and read now()). */
  timerAt(atNs: number, msg: Message): void;
  /** Where a check event goes. */
  check(event: CheckEvent): void;
  /** Where ctx.mark counts. */
  readonly marks: Map<string, number>;
  /** The regions ctx.mem() reaches, by name (the same for the ctx's life). */
  readonly memories: ReadonlyMap<string, MemView>;
  /** The actor's random stream: ctx.rng is sfc32 seeded from (rngSeed, rngStream). */
  readonly rngSeed: number;
  readonly rngStream: number;
  /**
   * Optional: where ctx.delayNs takes a distribution's value (the simulator's delay choices);
   * absent, it is a sample from the actor's stream `rng`.
   */
  delay?(d: Distribution, rng: Rng): number;
}

export function createActorCtx(self: string, backend: CtxBackend): ActorCtx {
  const { marks, memories, now, timerAt } = backend;
  const rng = createRng(rngStateFrom(backend.rngSeed, backend.rngStream));
  const delay = backend.delay ?? sample;
  // An actor mostly reaches the region it reached last: one string compare, not a Map lookup.
  let lastRegion: string | undefined;
  let lastView: MemView | undefined;
  return {
    self,
    send: backend.send,
    now,
    check: backend.check,
    rng,
    mark(name) {
      marks.set(name, (marks.get(name) ?? 0) + 1);
    },
    assert(cond, code, detail) {
      if (!cond) assertionFailed(self, code, detail);
    },
    fail(code, detail) {
      return assertionFailed(self, code, detail);
    },
    timer(delayNs, msg) {
      if (!(delayNs >= 0)) raise('FAULTLINE_TIMER_DELAY', `actor '${self}' set a timer with delay ${delayNs}; delays are >= 0 ns`);
      timerAt(now() + delayNs, msg);
    },
    delayNs(d) {
      return typeof d === 'number' ? d : delay(d, rng);
    },
    mem(region) {
      if (region === lastRegion) return lastView!;
      const view = memories.get(region);
      if (view === undefined) {
        raise('FAULTLINE_UNKNOWN_MEMORY', `actor '${self}' asked for memory '${region}'; the topology declares: ${[...memories.keys()].join(', ') || 'none'}`);
      }
      lastRegion = region;
      lastView = view;
      return view;
    },
  };
}

function assertionFailed(actor: string, code: string, detail: string | undefined): never {
  return raise(code, `assertion failed in actor '${actor}'${detail ? `: ${detail}` : ''}`);
}

/** The channels actor `actor` sends on, by name → index in `channels`, so a send is one lookup. */
export function ownedChannels(channels: readonly { readonly name: string; readonly from: number }[], actor: number): Map<string, number> {
  const owned = new Map<string, number>();
  channels.forEach((c, i) => {
    if (c.from === actor) owned.set(c.name, i);
  });
  return owned;
}

/** A send on `channel`, which `actor` does not own: unknown when `exists` is false; `owner` names who owns it, when known. */
export function badSendChannel(actor: string, channel: string, exists: boolean, owner?: string): never {
  if (!exists) raise('FAULTLINE_UNKNOWN_CHANNEL', `actor '${actor}' sent on unknown channel '${channel}'`);
  return raise('FAULTLINE_CHANNEL_OWNER', `actor '${actor}' sent on channel '${channel}', ${owner === undefined ? 'which it does not own' : `which belongs to '${owner}'`}`);
}
