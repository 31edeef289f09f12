// The deterministic runtime: every actor of a topology in one thread, under a seeded
// scheduler and a virtual clock. At each step it lists the enabled deliveries (channel
// heads that are due, then each actor's self inbox of fired timers and sys messages) in a
// fixed order, asks the strategy for one, records the index and delivers it. Same seed,
// same code → same trace hash; the recorded choices replay the run exactly.
//
// Timing: a channel hop takes its latency (a number or a distribution drawn per message,
// timing.ts) and stays FIFO like the ring it models: a message is deliverable at the later of
// its own ready time and the previous message's on the channel. An actor with a service cost is
// a single server: a delivery keeps it busy for the cost drawn for it (the actor's cost for the
// message's type, else the channel's, else the actor's), it takes nothing else meanwhile, and
// what the step sends leaves when the cost has passed (ctx.now() and timers still count from the
// step's start).

import { badSendChannel, createActorCtx, ownedChannels } from '../../actor/ctx.ts';
import type { ActorCtx, AnyActorDef, Inbound } from '../../actor/define.ts';
import { Checker } from '../../check/checker.ts';
import type { CheckerResult } from '../../check/types.ts';
import type { MetricsOptions } from '../../check/metrics-collector.ts';
import { ChoiceLog, delayScheduleMark } from './choices.ts';
import { messageCodec, type Message } from '../../protocol/messages.ts';
import { machinesMode, setMachinesMode, type MachinesMode } from '../../machines/mode.ts';
import { FaultlineError } from '../../util/errors.ts';
import { TraceHash } from '../../util/hash.ts';
import { resolveTopology, type ActorSpec, type ResolvedTopology, type Topology } from '../../actor/topology.ts';
import { plainMemView } from '../mem-view.ts';
import type { MemView } from '../../actor/define.ts';
import { SimInbox, SimQueue } from './sim-channel.ts';
import { SimTiming } from './timing.ts';
import type { Distribution } from '../../util/distribution.ts';
import { randomStrategy, type Strategy } from './strategy.ts';
import { TimerHeap } from './timer-heap.ts';
import { checkEverySteps, defaultWallClockCapMs, SimWatchdog, stopReport, type WatchdogVerdict } from './watchdog.ts';

export interface SimOptions {
  seed: number;
  strategy?: Strategy;
  maxSteps?: number;
  maxVirtualNs?: number;
  /** Keep the choice made at every step (default true). A seeded strategy replays from its seed
   * alone, so very long runs may turn this off to keep memory flat. */
  recordChoices?: boolean;
  /** Keep, after every step, the trace hash so far and the source delivered (SimResult.stepTrace), for the determinism self-check. */
  stepHashes?: boolean;
  /** Run the online checker (default true); off, ctx.check does nothing. */
  check?: boolean;
  /** The metrics the checker derives from the check events (default on; false: off). */
  metrics?: MetricsOptions | false;
  /** The checker keeps causal chains for its violations (default true; checker.ts CheckerOptions.chains). */
  chains?: boolean;
  /** Called every `everySteps` steps (progress display, memory sampling); must not touch the run. */
  progress?: { everySteps: number; fn: (steps: number, virtualNs: number) => void };
  /** Guard rails (watchdog.ts): livelock bound in virtual ns (default off), wall-clock cap (default 10 min), progress probe. */
  guard?: SimGuardOptions;
  /** Machine engine for this run: the compiled executor (default) or XState itself (reference mode). */
  machines?: MachinesMode;
  /**
   * Stops the run from outside (Ctrl-C, an API caller), looked at every 4096 steps: the run then
   * returns what it has so far, with stopReason 'interrupted'. The run is synchronous, so its own
   * thread's event loop (a SIGINT handler, a timer) cannot abort it meanwhile: abort from the
   * progress callback, or pass any `{ aborted }` another thread sets (a flag in a
   * SharedArrayBuffer read with Atomics.load, for a run in a worker).
   */
  signal?: { readonly aborted: boolean };
}

export interface SimGuardOptions {
  livelockBoundNs?: number;
  wallClockCapMs?: number;
  /** Reads the actors' states (by name); a change means progress. Default: messages taken from channels. */
  progress?: {
    name: string;
    probe: (stateOf: (actor: string) => unknown) => number;
    /**
     * The actors whose states the probe reads, when it reads nothing else: it is then asked
     * again only after one of them stepped (its answer cannot have moved otherwise).
     */
    actors?: readonly string[];
  };
}

/** Steps between two looks at options.signal (a power of two). */
const signalEverySteps = 4096;

export type SimStopReason = 'quiescent' | 'max-steps' | 'max-time' | 'livelock' | 'wall-clock-cap' | 'interrupted';

export interface SimActorReport {
  name: string;
  kind: string;
  pending: number;
  stats: Record<string, unknown>;
  state: unknown;
}

export interface SimChannelReport {
  name: string;
  depth: number;
  sent: number;
  refused: number;
  depthMax: number;
}

export interface SimResult {
  seed: number;
  strategy: string;
  steps: number;
  virtualNs: number;
  traceHash: string;
  /** The choice made at every step; `encodeChoices` turns it into one line. */
  choices: Uint16Array;
  stopReason: SimStopReason;
  actors: SimActorReport[];
  channels: SimChannelReport[];
  marks: Record<string, number>;
  /** The online checker's verdict; null when it was off. */
  checker: CheckerResult | null;
  /** A run the watchdog stopped ('livelock', 'wall-clock-cap'): why, channel depths, pending work. */
  stopReport?: string;
  /** With options.stepHashes: per step, the trace hash after it (one lane) and the source delivered (a channel index, or −1 − actor). */
  stepTrace?: { hashes: number[]; sources: number[] };
}

/** An actor threw: carries what is needed to replay up to the failure. */
export class SimFailure extends FaultlineError {
  readonly seed: number;
  readonly choices: Uint16Array;
  readonly actor: string;
  readonly step: number;
  readonly causeCode: string | undefined;

  constructor(actor: string, step: number, seed: number, choices: Uint16Array, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('FAULTLINE_ACTOR_FAILED', `actor '${actor}' failed at step ${step} (seed ${seed}): ${why}`, { actor, step, seed });
    this.seed = seed;
    this.choices = choices;
    this.actor = actor;
    this.step = step;
    this.causeCode = (cause as { code?: string } | undefined)?.code;
    if (cause instanceof Error && cause.stack) this.stack = `${this.stack}\ncaused by: ${cause.stack}`;
  }
}

const defaultMaxSteps = 50_000_000;

/** The watchdog's progress reading, and whether it can have moved since it was last read (watchdog.ts lookMoved). */
interface WatchdogProgress {
  value: () => number;
  mayHaveMoved: () => boolean;
}

type MessageEncoder = (msg: Message, words: Int32Array, offset: number) => void;

/** What a delivery of one type from one source hashes with and costs (noteType). */
interface TypeAtSource {
  type: string;
  encoder: MessageEncoder | null;
  service: Distribution | null;
}

interface ActorSlot {
  name: string;
  def: AnyActorDef;
  /** def.step, read once: the defs differ in shape, so reading it per delivery was a megamorphic load. */
  step: AnyActorDef['step'];
  state: unknown;
  ctx: ActorCtx;
  inbox: SimInbox;
  /** Service cost per delivery; null: none. */
  service: Distribution | null;
  /** Service cost by message type, before the channel's and `service`; null: none. */
  serviceByType: Map<string, Distribution> | null;
}

/** An actor's service cost as a distribution; null when it has none (0 or absent). */
function serviceOf(v: number | Distribution | undefined): Distribution | null {
  if (v === undefined || v === 0) return null;
  return typeof v === 'number' ? { dist: 'fixed', value: v } : v;
}

export function runSim(topology: Topology, options: SimOptions): SimResult {
  const topo = resolveTopology(topology);
  const previous = machinesMode();
  setMachinesMode(options.machines ?? 'compiled');
  try {
    return new SimRun(topo, options).run();
  } finally {
    setMachinesMode(previous);
  }
}

class SimRun {
  private readonly topo: ResolvedTopology;
  private readonly seed: number;
  private readonly strategy: Strategy;
  private readonly maxSteps: number;
  private readonly maxVirtualNs: number;
  private readonly progress: SimOptions['progress'];
  private readonly signal: SimOptions['signal'];
  private readonly recordChoices: boolean;
  private readonly queues: SimQueue[];
  private readonly sent: number[];
  private readonly refused: number[];
  private readonly depthMax: number[];
  /** 1 while a producer waits for its full channel to become writable (its next take sends sys.writable). */
  private readonly producerBlocked: Uint8Array;
  private readonly slots: ActorSlot[];
  private readonly timers = new TimerHeap();
  private readonly marks = new Map<string, number>();
  private readonly hash = new TraceHash();
  private readonly choices = new ChoiceLog();
  private readonly stepTrace: SimResult['stepTrace'];
  private readonly scratch = new Int32Array(messageCodec.slotWords);
  private readonly enabled: Int32Array;
  /**
   * The sources that hold something, one bit each (channel c is bit c, actor a's self inbox bit
   * channels + a), so collectEnabled visits only those, in the canonical order: ascending bits.
   */
  private readonly nonEmpty: Int32Array;
  /** The topology's channel count: where the inboxes' bits start in nonEmpty. */
  private readonly channelCount: number;
  /** Receiving actor of each channel, for collectEnabled's scan. */
  private readonly channelTo: Int32Array;
  /** Each queue's headReadyNs() (Infinity when empty), kept up to date on push and shift. */
  private readonly headNs: Float64Array;
  /** Each actor's busy-until time (ns): a single server takes nothing else before it (0 without service costs). */
  private readonly busyNs: Float64Array;
  /** Each actor's last step (−1: none yet), for the watchdog's probe of a few actors' states. */
  private readonly lastStepOf: Float64Array;
  /** Messages taken from channels so far: the watchdog's default progress. */
  private taken = 0;
  /** Set by collectEnabled when nothing is enabled: when the first held-back delivery will be (Infinity: none; timers aside). */
  private waitUntilNs = Infinity;
  /** Each channel's latency when fixed (no draw), else -1. */
  private readonly latencyFixedNs: Float64Array;
  private readonly timing: SimTiming;
  /** A delivery's service cost from each channel when its type has none of its own: the channel's, else the receiver's. */
  private readonly channelService: (Distribution | null)[];
  /**
   * Per source (channel c at c, actor a's self inbox at channels + a): the message type it
   * delivered last, and that type's encoder and service cost there (noteType).
   */
  private readonly lastType: (string | undefined)[];
  private readonly lastEncoder: (MessageEncoder | null)[];
  private readonly lastService: (Distribution | null)[];
  /**
   * Per source, what noteType worked out for each type it has delivered, in first-seen order: a
   * source carries a handful of types, so a cache miss is a short scan of string compares.
   */
  private readonly typeSeen: TypeAtSource[][];
  /** When what the current step sends leaves its actor: the step's start plus its service cost. */
  private departNs = 0;
  private readonly memViews: Map<string, MemView>;
  private readonly checker: Checker | null;
  private readonly guard: SimGuardOptions;
  private stopWhy: string | undefined;
  private nowNs = 0;
  private steps = 0;

  constructor(topo: ResolvedTopology, options: SimOptions) {
    this.topo = topo;
    this.seed = options.seed;
    this.strategy = options.strategy ?? randomStrategy(options.seed);
    this.maxSteps = options.maxSteps ?? defaultMaxSteps;
    this.maxVirtualNs = options.maxVirtualNs ?? Infinity;
    this.progress = options.progress;
    this.guard = options.guard ?? {};
    this.signal = options.signal;
    this.recordChoices = options.recordChoices ?? true;
    this.stepTrace = options.stepHashes ? { hashes: [], sources: [] } : undefined;
    this.queues = topo.channels.map((c) => new SimQueue(c.capacity));
    this.sent = topo.channels.map(() => 0);
    this.refused = topo.channels.map(() => 0);
    this.depthMax = topo.channels.map(() => 0);
    this.producerBlocked = new Uint8Array(topo.channels.length);
    this.enabled = new Int32Array(topo.channels.length + topo.actors.length);
    this.nonEmpty = new Int32Array((topo.channels.length + topo.actors.length + 31) >>> 5);
    this.channelCount = topo.channels.length;
    this.channelTo = Int32Array.from(topo.channels, (c) => c.to);
    this.headNs = new Float64Array(topo.channels.length).fill(Infinity);
    this.busyNs = new Float64Array(topo.actors.length);
    this.lastStepOf = new Float64Array(topo.actors.length).fill(-1);
    this.latencyFixedNs = Float64Array.from(topo.channels, (c) => (c.latency.dist === 'fixed' ? c.latency.value : -1));
    if (this.recordChoices && this.strategy.chooseDelay !== undefined) this.choices.push(delayScheduleMark);
    this.timing = new SimTiming(options.seed, this.strategy, this.recordChoices ? this.choices : null);
    this.checker = options.check === false ? null : new Checker({ actorNames: topo.actors.map((a) => a.name), metrics: options.metrics ?? {}, ...(options.chains === false ? { chains: false } : {}) });
    this.memViews = new Map(topo.memories.map((m) => [m.name, plainMemView(m.name, new Int32Array(m.words))]));
    this.slots = topo.actors.map((a, i) => this.makeSlot(i, a.name, a.def, serviceOf(a.serviceNs), a.serviceByType));
    this.channelService = topo.channels.map((c) => c.service ?? this.slots[c.to]!.service);
    const sources = topo.channels.length + topo.actors.length;
    this.lastType = new Array<string | undefined>(sources).fill(undefined);
    this.lastEncoder = new Array<MessageEncoder | null>(sources).fill(null);
    this.lastService = new Array<Distribution | null>(sources).fill(null);
    this.typeSeen = Array.from({ length: sources }, (): TypeAtSource[] => []);
  }

  private makeSlot(index: number, name: string, def: AnyActorDef, service: Distribution | null, byType: ActorSpec['serviceByType']): ActorSlot {
    const entries = Object.entries(byType ?? {}).map(([type, v]) => [type, serviceOf(v) ?? { dist: 'fixed', value: 0 }] as const);
    const serviceByType = entries.length === 0 ? null : new Map<string, Distribution>(entries);
    return { name, def, step: def.step, state: undefined, inbox: new SimInbox(), service, serviceByType, ctx: this.makeCtx(index, name) };
  }

  private makeCtx(index: number, name: string): ActorCtx {
    const { channelIndex, channels } = this.topo;
    const owned = ownedChannels(channels, index);
    let lastChannel: string | undefined;
    let lastIndex = -1;
    return createActorCtx(name, {
      rngSeed: this.seed,
      rngStream: index + 1,
      marks: this.marks,
      memories: this.memViews,
      now: () => this.nowNs,
      check: this.checkFor(index),
      timerAt: (atNs, msg) => this.timers.add(atNs, index, msg),
      // Sampling, ctx.delayNs is the ctx's own sample() from the actor's stream, which is what drawFor does then.
      delay: this.timing.sampling ? undefined : (d, rng) => this.timing.drawFor(d, this.steps, rng),
      send: (channel, msg) => {
        // An actor mostly sends on the channel it sent on last: one string compare, not a Map lookup.
        let c: number;
        if (channel === lastChannel) c = lastIndex;
        else {
          const found = owned.get(channel);
          if (found === undefined) {
            const other = channelIndex.get(channel);
            badSendChannel(name, channel, other !== undefined, other === undefined ? undefined : this.slots[channels[other]!.from]!.name);
          }
          c = found;
          lastChannel = channel;
          lastIndex = found;
        }
        const q = this.queues[c]!;
        if (q.isFull()) {
          this.refused[c]!++;
          this.producerBlocked[c] = 1;
          return false;
        }
        const fixedNs = this.latencyFixedNs[c]!;
        const readyNs = this.departNs + (fixedNs >= 0 ? fixedNs : this.timing.draw(channels[c]!.latency, this.steps));
        q.push(msg, Math.max(readyNs, q.tailReadyNs()));
        if (q.length === 1) {
          this.headNs[c] = q.headReadyNs();
          this.nonEmpty[c >>> 5]! |= 1 << (c & 31);
        }
        this.sent[c]!++;
        if (q.length > this.depthMax[c]!) this.depthMax[c] = q.length;
        return true;
      },
    });
  }

  /** Events go straight to the checker, stamped with the step that emitted them and the virtual time. */
  private checkFor(index: number): ActorCtx['check'] {
    const checker = this.checker;
    if (checker === null) return () => undefined;
    return (ev) => checker.event(ev, this.steps, this.nowNs, index);
  }

  run(): SimResult {
    const { actors } = this.topo;
    for (let i = 0; i < actors.length; i++) {
      const a = actors[i]!;
      this.slots[i]!.state = a.def.init(a.config, a.name);
      this.pushSelf(i, { type: 'sys.start' });
    }
    let stopReason: SimStopReason = 'quiescent';
    const guard = this.makeWatchdog();
    let lookAt = checkEverySteps;
    for (;;) {
      if (this.steps >= this.maxSteps) {
        stopReason = 'max-steps';
        break;
      }
      if (this.steps >= lookAt) {
        lookAt = this.steps + checkEverySteps;
        const v = guard.look();
        if (v !== null) {
          stopReason = this.stopFor(v);
          break;
        }
      }
      if ((this.steps & (signalEverySteps - 1)) === 0 && this.signal?.aborted) {
        stopReason = 'interrupted';
        break;
      }
      this.fireDueTimers();
      const n = this.collectEnabled();
      if (n === 0) {
        const next = Math.min(this.timers.peekNs(), this.waitUntilNs);
        if (next === Infinity) break;
        if (next > this.maxVirtualNs) {
          stopReason = 'max-time';
          break;
        }
        this.nowNs = next;
        const v = guard.lookMoved(next);
        if (v !== null) {
          stopReason = this.stopFor(v);
          break;
        }
        continue;
      }
      const pick = this.strategy.choose(n, this.steps, this.enabled);
      if (this.recordChoices) this.choices.push(pick);
      this.deliver(this.enabled[pick]!);
      if (this.progress && this.steps % this.progress.everySteps === 0) this.progress.fn(this.steps, this.nowNs);
    }
    return this.report(stopReason);
  }

  private makeWatchdog(): SimWatchdog {
    const g = this.guard;
    const names = this.topo.actors.map((a) => a.name);
    // The probe asks for the same actor at every look: its index is found once.
    let lastActor: string | undefined;
    let lastIndex = -1;
    const stateOf = (actor: string): unknown => {
      if (actor !== lastActor) {
        lastActor = actor;
        lastIndex = names.indexOf(actor);
      }
      return this.slots[lastIndex]?.state;
    };
    const probe = g.progress;
    const progress = probe ? this.probeProgress(probe, stateOf, names) : this.takenProgress();
    return new SimWatchdog(
      { boundNs: g.livelockBoundNs ?? Infinity, wallClockCapMs: g.wallClockCapMs ?? defaultWallClockCapMs },
      {
        nowNs: () => this.nowNs,
        progress: progress.value,
        progressMayHaveMoved: progress.mayHaveMoved,
        progressName: probe?.name ?? 'messages taken from a channel',
        workOutstanding: () => this.slots.some((sl, i) => (this.topo.actors[i]!.def.pending?.(sl.state) ?? 0) > 0),
      },
    );
  }

  /** The default progress: messages taken from channels. */
  private takenProgress(): WatchdogProgress {
    let answer = -1;
    return {
      value: () => {
        answer = this.taken;
        return answer;
      },
      mayHaveMoved: () => this.taken !== answer,
    };
  }

  /** The probe's answer, asked again only when one of the actors it reads (probe.actors) stepped since it was last asked. */
  private probeProgress(probe: NonNullable<SimGuardOptions['progress']>, stateOf: (actor: string) => unknown, names: readonly string[]): WatchdogProgress {
    if (probe.actors === undefined) return { value: () => probe.probe(stateOf), mayHaveMoved: () => true };
    // An actor the topology does not have never steps: its state (undefined) never moves.
    const watched = probe.actors.map((a) => names.indexOf(a)).filter((i) => i >= 0);
    const lastStepOf = this.lastStepOf;
    let askedAtStep = -1;
    let answer = 0;
    const mayHaveMoved = (): boolean => {
      if (askedAtStep < 0) return true;
      for (let i = 0; i < watched.length; i++) if (lastStepOf[watched[i]!]! >= askedAtStep) return true;
      return false;
    };
    return {
      value: () => {
        if (!mayHaveMoved()) return answer;
        askedAtStep = this.steps;
        answer = probe.probe(stateOf);
        return answer;
      },
      mayHaveMoved,
    };
  }

  /** The watchdog stopped the run: keep its report. */
  private stopFor(v: NonNullable<WatchdogVerdict>): SimStopReason {
    this.stopWhy = stopReport(
      v.why,
      this.topo.channels.map((c, i) => ({ name: c.name, depth: this.queues[i]!.length, capacity: c.capacity, sent: this.sent[i]!, refused: this.refused[i]! })),
      this.slots.map((sl, i) => ({
        name: sl.name,
        kind: this.topo.actors[i]!.def.kind,
        pending: (this.topo.actors[i]!.def.pending?.(sl.state) ?? 0) + sl.inbox.length,
        timers: this.timers.countFor(i),
      })),
    );
    return v.stopReason;
  }

  /** A message into actor `actor`'s self inbox (a fired timer, a sys message). */
  private pushSelf(actor: number, msg: Inbound): void {
    this.slots[actor]!.inbox.push(msg);
    const bit = this.channelCount + actor;
    this.nonEmpty[bit >>> 5]! |= 1 << (bit & 31);
  }

  private fireDueTimers(): void {
    const timers = this.timers;
    while (timers.peekNs() <= this.nowNs) {
      const actor = timers.peekActor();
      this.pushSelf(actor, timers.popMsg());
    }
  }

  /**
   * Fills `enabled` with sources in canonical order: channels by index, then self inboxes. On
   * the way it notes when the first held-back one (not yet ready, or its actor busy) will be,
   * in waitUntilNs: with nothing enabled, that and the next timer are when time moves to.
   */
  private collectEnabled(): number {
    const { headNs, busyNs, channelTo, enabled, nonEmpty, channelCount } = this;
    const now = this.nowNs;
    let n = 0;
    let next = Infinity;
    for (let w = 0; w < nonEmpty.length; w++) {
      let bits = nonEmpty[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const source = (w << 5) + 31 - Math.clz32(low);
        if (source < channelCount) {
          const headAt = headNs[source]!;
          const busyAt = busyNs[channelTo[source]!]!;
          if (headAt <= now && busyAt <= now) enabled[n++] = source;
          else next = Math.min(next, Math.max(headAt, busyAt));
        } else {
          const a = source - channelCount;
          const busyAt = busyNs[a]!;
          if (busyAt <= now) enabled[n++] = -1 - a;
          else next = Math.min(next, busyAt);
        }
      }
    }
    this.waitUntilNs = next;
    return n;
  }

  private deliver(source: number): void {
    let actor: number;
    let msg: Inbound;
    if (source >= 0) {
      actor = this.channelTo[source]!;
      const q = this.queues[source]!;
      msg = q.shift();
      this.headNs[source] = q.headReadyNs();
      if (q.length === 0) this.nonEmpty[source >>> 5]! &= ~(1 << (source & 31));
      this.taken++;
      if (this.producerBlocked[source] !== 0) {
        this.producerBlocked[source] = 0;
        const spec = this.topo.channels[source]!;
        this.pushSelf(spec.from, { type: 'sys.writable', channel: spec.name });
      }
    } else {
      actor = -1 - source;
      const inbox = this.slots[actor]!.inbox;
      msg = inbox.shift();
      if (inbox.length === 0) {
        const bit = this.channelCount + actor;
        this.nonEmpty[bit >>> 5]! &= ~(1 << (bit & 31));
      }
    }
    // A source mostly delivers the type it delivered last: one string compare, not two Map lookups.
    const key = source >= 0 ? source : this.channelCount + actor;
    if (msg.type !== this.lastType[key]) this.noteType(key, source, actor, msg.type);
    this.hashDelivery(source, msg, this.lastEncoder[key]!);
    if (this.stepTrace !== undefined) {
      this.stepTrace.hashes.push(this.hash.low32());
      this.stepTrace.sources.push(source);
    }
    const slot = this.slots[actor]!;
    const service = this.lastService[key]!;
    const costNs = service === null ? 0 : this.timing.draw(service, this.steps);
    this.departNs = this.nowNs + costNs;
    this.lastStepOf[actor] = this.steps;
    try {
      slot.step.call(slot.def, slot.state, msg, slot.ctx);
    } catch (err) {
      throw new SimFailure(slot.name, this.steps, this.seed, this.choices.snapshot(), err);
    }
    this.steps++;
    if (costNs > 0) this.busyNs[actor] = this.departNs;
  }

  /** What a delivery of `type` from `source` (cache slot `key`) hashes with and costs, kept until that source delivers another type. */
  private noteType(key: number, source: number, actor: number, type: string): void {
    const seen = this.typeSeen[key]!;
    let at: TypeAtSource | undefined;
    for (let i = 0; i < seen.length; i++) {
      if (seen[i]!.type === type) {
        at = seen[i]!;
        break;
      }
    }
    if (at === undefined) {
      const slot = this.slots[actor]!;
      at = {
        type,
        encoder: type === 'sys.start' || type === 'sys.writable' ? null : messageCodec.uncheckedEncoderOf(type),
        service: slot.serviceByType?.get(type) ?? (source >= 0 ? this.channelService[source]! : slot.service),
      };
      seen.push(at);
    }
    this.lastEncoder[key] = at.encoder;
    this.lastService[key] = at.service;
    this.lastType[key] = type;
  }

  /** `encode`: the message type's unchecked encoder (noteType), null for the sys messages. */
  private hashDelivery(source: number, msg: Inbound, encode: MessageEncoder | null): void {
    const h = this.hash;
    h.word(source);
    if (encode !== null) {
      encode(msg as Message, this.scratch, 0);
      h.words(this.scratch, 0, messageCodec.slotWords);
    } else if (msg.type === 'sys.start') h.word(-1);
    else if (msg.type === 'sys.writable') {
      h.word(-2);
      h.string(msg.channel);
    }
  }

  private report(stopReason: SimStopReason): SimResult {
    return {
      seed: this.seed,
      strategy: this.strategy.name,
      steps: this.steps,
      virtualNs: this.nowNs,
      traceHash: this.hash.hex(),
      choices: this.choices.snapshot(),
      stopReason,
      actors: this.slots.map((s, i) => {
        const def = this.topo.actors[i]!.def;
        return {
          name: s.name,
          kind: def.kind,
          pending: (def.pending?.(s.state) ?? 0) + s.inbox.length + this.timers.countFor(i),
          stats: def.stats?.(s.state) ?? {},
          state: s.state,
        };
      }),
      channels: this.topo.channels.map((c, i) => ({
        name: c.name,
        depth: this.queues[i]!.length,
        sent: this.sent[i]!,
        refused: this.refused[i]!,
        depthMax: this.depthMax[i]!,
      })),
      marks: Object.fromEntries(this.marks),
      checker: this.checker?.finish({ quiescent: stopReason === 'quiescent', stopReason, ...(this.stopWhy !== undefined ? { stallReport: this.stopWhy } : {}) }) ?? null,
      ...(this.stopWhy !== undefined ? { stopReport: this.stopWhy } : {}),
      ...(this.stepTrace !== undefined ? { stepTrace: this.stepTrace } : {}),
    };
  }
}
