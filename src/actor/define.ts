// The actor model: an actor is plain-data state plus a synchronous step function. All
// time, randomness, sending and timers reach it through `ctx`, which is what lets the same
// actor run on worker threads and under the seeded single-thread scheduler.

import type { CheckEvent, Message } from '../protocol/messages.ts';
import type { Distribution } from '../util/distribution.ts';
import type { Rng } from '../util/rng.ts';

/** Messages the runtime itself delivers to an actor; they never cross a ring. */
export type SysMessage =
  | { readonly type: 'sys.start' }
  /** A send on `channel` returned false earlier; the channel has room again. */
  | { readonly type: 'sys.writable'; readonly channel: string };

export type Inbound = Message | SysMessage;

/**
 * A word-addressed view of a shared memory region (guest memory holding page tables, say).
 * On threads it is SharedArrayBuffer memory read and written with atomic operations, so a
 * walk racing a guest's update is a real race; in the simulator it is plain memory.
 */
export interface MemView {
  readonly words: number;
  load(index: number): number;
  store(index: number, value: number): void;
}

export interface ActorCtx {
  /** This actor instance's name in the topology. */
  readonly self: string;
  /** Queue `msg` on an outbound channel; false when the channel is full (nothing is queued). */
  send(channel: string, msg: Message): boolean;
  /** Nanoseconds since the run started: virtual in the simulator, measured on threads. */
  now(): number;
  /** This actor's seeded random stream. */
  readonly rng: Rng;
  /** Count a coverage mark: an interesting situation this run reached. */
  mark(name: string): void;
  /**
   * Programmer-error check: throws FaultlineError(code) naming the actor when cond is false.
   * The detail is evaluated by the caller, so on per-message paths write
   * `if (!cond) ctx.fail(code, detail)` to build it only on failure.
   */
  assert(cond: unknown, code: string, detail?: string): void;
  /**
   * Programmer error, unconditionally: throws what a failed assert throws. Typed `never`, so
   * `if (x === undefined) ctx.fail(code, detail)` narrows x for the code after it.
   */
  fail(code: string, detail?: string): never;
  /** Deliver `msg` to this actor itself after `delayNs`. */
  timer(delayNs: number, msg: Message): void;
  /**
   * A delay the scenario declares as a number or a window (a distribution), in ns: a number is
   * itself and draws nothing; a distribution is sampled from this actor's own stream (ctx.rng),
   * except in the simulator under a strategy that chooses delays (pct, pos, delay-bounded), where
   * it is the strategy's pick in the window, recorded in the schedule and replayed
   * (src/runtime/sim/timing.ts). Timing as a choice for an actor's own latencies.
   */
  delayNs(d: number | Distribution): number;
  /** A memory region declared in the topology. */
  mem(region: string): MemView;
  /**
   * Tell the checker (src/check/) what just happened to a page request group, a queue or a
   * translation. An observation only: it never changes the run, and costs nearly nothing
   * when the checker is off.
   */
  check(event: CheckEvent): void;
}

export interface ActorDef<S = unknown, C = unknown> {
  /** The actor's kind (for example 'device'); unique among definitions. */
  readonly kind: string;
  /** URL of the module that exports this definition, so a worker can import it. */
  readonly module: string;
  init(config: C, self: string): S;
  /** Handle one message by changing `state` in place. Never async. */
  step(state: S, msg: Inbound, ctx: ActorCtx): void;
  /** Work this actor still owes (requests awaiting answers); used by stall and liveness reports. */
  pending?(state: S): number;
  /** A small summary of the state for reports (counters, histograms). */
  stats?(state: S): Record<string, unknown>;
}

// Existential form used by runtimes, which handle many actor kinds at once.
// biome-ignore lint/suspicious/noExplicitAny: the existential form: a runtime holds actors of every state and config type
export type AnyActorDef = ActorDef<any, any>;

export function defineActor<S, C>(def: ActorDef<S, C>): ActorDef<S, C> {
  return Object.freeze({ ...def });
}
