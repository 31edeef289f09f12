// Exact replay of a recorded threaded run, in one thread. Steps run in the recorded global
// order; each one hands its actor exactly what it consumed on threads: the message at the
// head of the recorded channel (asserted to be there), its next timer, or a sys message,
// with ctx.now() forced to the recorded value, refused sends refused (and not queued), and
// loads from shared memory answered with the recorded words. Actors are pure, so each one
// goes through the same states as on threads. Check events are fed to the checker in the
// recorded merged order, with their recorded sequence numbers.
//
// Why the order is executable: a receive step's batch number was taken after its ring's tail
// was loaded, and a message is published only after its sender's batch took its number
// (recorder.ts), so every message is queued here before the step that receives it; a batch's
// steps are consecutive steps of one worker, in their order.
// Anything else — a channel empty when the recording says it holds the next message, a clock
// read the recording does not have, another number of sends or loads than recorded,
// different counts at the end — means the code or the scenario changed:
// FAULTLINE_REPLAY_DIVERGED, naming the step, its actor and what the recording expected.

import { assertionFailed, badSendChannel, checkTimerDelay } from '../ctx-errors.ts';
import type { ActorCtx, AnyActorDef, Inbound } from '../../actor/define.ts';
import { Checker } from '../../check/checker.ts';
import type { CheckerResult } from '../../check/types.ts';
import { messageCodec, type CheckEvent, type Message } from '../../protocol/messages.ts';
import { FaultlineError, fail } from '../../util/errors.ts';
import { createRng, rngStateFrom } from '../../util/rng.ts';
import { TimerHeap } from '../sim/timer-heap.ts';
import { memLookup, plainMemView } from '../mem-view.ts';
import type { MemView } from '../../actor/define.ts';
import { resolveTopology, type ResolvedTopology, type Topology } from '../../actor/topology.ts';
import { ByteReader } from './bytes.ts';
import { statsDigest, type RunRecording } from './recording.ts';
import { emptyStep, kindChannel, kindNames, kindStart, kindTimer, StepReader, type StepRecord } from './step-format.ts';
import { checkTopology } from './replay-support.ts';
import { Fifo } from '../../util/fifo.ts';

export interface ReplayResult {
  steps: number;
  stopReason: string;
  wallMs: number;
  workers: number;
  actors: { name: string; kind: string; pending: number; stats: Record<string, unknown>; state: unknown }[];
  channels: { name: string; sent: number; refused: number; depth: number }[];
  marks: Record<string, number>;
  checker: CheckerResult | null;
  /** Loads whose recorded word differed from what the replay's memory held then: races the step order alone does not reproduce. */
  racyLoads: number;
}

interface WorkerCursor {
  steps: StepReader;
  mem: ByteReader;
  next: StepRecord | null;
  marks: Map<string, number>;
}

interface Slot {
  name: string;
  def: AnyActorDef;
  state: unknown;
  ctx: ActorCtx;
  worker: number;
  timers: TimerHeap;
  checks: Fifo<CheckEvent>;
}

/** The step being replayed: what the recording says it consumed, and what it consumed so far. */
interface Current {
  index: number;
  worker: number;
  actor: number;
  rec: StepRecord;
  sends: number;
  refusedSeen: number;
  loads: number;
  clockRead: boolean;
}

export function replayRecording(topology: Topology, rec: RunRecording): ReplayResult {
  return new ReplayRun(resolveTopology(topology), rec).run();
}

class ReplayRun {
  private readonly queues: Fifo<Message>[];
  private readonly sent: number[];
  private readonly refused: number[];
  private readonly slots: Slot[];
  private readonly cursors: WorkerCursor[];
  private readonly memory: Map<string, Int32Array>;
  private readonly checker: Checker | null;
  private readonly order: ByteReader;
  private readonly scratch = new Int32Array(messageCodec.slotWords);
  private nextCheckActor = -1;
  private checkSeq = 0;
  /** The recorded time of the next check event (the threads checker judged with it). */
  private nextCheckNs = 0;
  private racyLoads = 0;
  private cur: Current | null = null;

  constructor(
    private readonly topo: ResolvedTopology,
    private readonly rec: RunRecording,
  ) {
    checkTopology(topo, rec.topology);
    this.queues = topo.channels.map(() => new Fifo<Message>());
    this.sent = topo.channels.map(() => 0);
    this.refused = topo.channels.map(() => 0);
    this.memory = new Map(topo.memories.map((m) => [m.name, new Int32Array(m.words)]));
    this.cursors = rec.workers.map((w, i) => ({
      steps: new StepReader(new ByteReader(w.steps, `worker ${i} steps`)),
      mem: new ByteReader(w.mem, `worker ${i} memory reads`),
      next: null,
      marks: new Map(),
    }));
    this.checker = rec.checker ? new Checker({ actorNames: topo.actors.map((a) => a.name) }) : null;
    this.order = new ByteReader(rec.checkOrder, 'check-event order');
    this.slots = topo.actors.map((a, i) => {
      const worker = rec.topology.actors[i]!.worker;
      const views = new Map([...this.memory].map(([name, words]) => [name, this.memView(name, words, worker)]));
      const slot: Slot = { name: a.name, def: a.def, state: undefined, worker, timers: new TimerHeap(), checks: new Fifo(), ctx: undefined as unknown as ActorCtx };
      slot.ctx = this.makeCtx(i, a.name, views, this.cursors[worker]!.marks);
      // The config crossed to a worker by structured clone on threads; the same copy here.
      slot.state = a.def.init(structuredClone(a.config), a.name);
      return slot;
    });
  }

  run(): ReplayResult {
    for (const c of this.cursors) this.advance(c);
    this.readCheckActor();
    let index = 0;
    let batch = -1;
    for (;;) {
      // Batch numbers are unique to one worker, so the smallest one continues the current batch.
      let w = -1;
      for (let i = 0; i < this.cursors.length; i++) {
        const n = this.cursors[i]!.next;
        if (n !== null && (w < 0 || n.batch < this.cursors[w]!.next!.batch)) w = i;
      }
      if (w < 0) break;
      const r = this.cursors[w]!.next!;
      if (r.batch !== batch) {
        if (r.batch !== batch + 1) fail('FAULTLINE_RECORD_CORRUPT', `the recording has no batch #${batch + 1} (after step ${index} the next one is #${r.batch}, worker ${w})`);
        batch = r.batch;
      }
      this.step(index, w, r);
      this.pumpChecks();
      this.advance(this.cursors[w]!);
      index++;
    }
    this.finishChecks(index);
    this.compareEnd(index);
    return this.report(index);
  }

  private advance(c: WorkerCursor): void {
    const r = c.next ?? emptyStep();
    c.next = c.steps.next(r) ? r : null;
  }

  private diverged(what: string): never {
    const c = this.cur;
    const where = c === null ? 'at the end of the replay' : `at step ${c.index} (worker ${c.worker}, actor '${this.slots[c.actor]?.name ?? `#${c.actor}`}', ${kindNames[c.rec.kind]})`;
    throw new FaultlineError(
      'FAULTLINE_REPLAY_DIVERGED',
      `${where}: ${what}; the recording was made with other code or another scenario`,
      c === null ? {} : { step: c.index, actor: this.slots[c.actor]?.name, worker: c.worker },
    );
  }

  private step(index: number, worker: number, r: StepRecord): void {
    const { channels, actors } = this.topo;
    const actorOf = r.kind === kindChannel ? channels[r.source]?.to : r.kind === kindTimer || r.kind === kindStart ? r.source : channels[r.source]?.from;
    this.cur = { index, worker, actor: actorOf ?? -1, rec: r, sends: 0, refusedSeen: 0, loads: 0, clockRead: false };
    if (actorOf === undefined || actorOf >= actors.length) this.diverged(`the recorded source #${r.source} is not in the topology`);
    const slot = this.slots[actorOf]!;
    if (slot.worker !== worker) this.diverged(`the step is in worker ${worker}'s stream but the actor ran on worker ${slot.worker}`);
    let msg: Inbound;
    if (r.kind === kindChannel) {
      const q = this.queues[r.source]!;
      if (q.length === 0) this.diverged(`expected the next message of channel '${channels[r.source]!.name}', which is empty here`);
      msg = q.shift();
    } else if (r.kind === kindTimer) {
      if (slot.timers.size === 0) this.diverged('expected a timer to fire, but the actor has none set');
      if (r.nowNs >= 0 && slot.timers.peekNs() > r.nowNs) this.diverged(`expected a due timer, but the next one is due at ${slot.timers.peekNs()} ns, after the step's clock (${r.nowNs} ns)`);
      msg = slot.timers.pop().msg;
    } else if (r.kind === kindStart) {
      msg = { type: 'sys.start' };
    } else {
      msg = { type: 'sys.writable', channel: channels[r.source]!.name };
    }
    try {
      slot.def.step(slot.state, msg, slot.ctx);
    } catch (err) {
      if (err instanceof FaultlineError && err.code === 'FAULTLINE_REPLAY_DIVERGED') throw err;
      this.diverged(`the actor threw, which it did not on threads: ${err instanceof Error ? err.message : String(err)}`);
    }
    const c = this.cur;
    if (r.nowNs >= 0 && !c.clockRead) this.diverged('the recorded step read the clock; the replayed one did not');
    if (c.sends !== r.sends) this.diverged(`the recording has ${r.sends} send(s) in this step; the replayed step made ${c.sends}`);
    if (c.refusedSeen < r.refusedSends.length) this.diverged(`the recording refused send #${r.refusedSends[c.refusedSeen]}, but the step made only ${c.sends} send(s)`);
    if (c.loads !== r.memReads) this.diverged(`the recording has ${r.memReads} load(s) from shared memory; the step made ${c.loads}`);
    this.cur = null;
  }

  private makeCtx(index: number, name: string, views: Map<string, MemView>, marks: Map<string, number>): ActorCtx {
    const { channels, channelIndex } = this.topo;
    const owned = new Map<string, number>();
    channels.forEach((c, i) => {
      if (c.from === index) owned.set(c.name, i);
    });
    const now = (): number => {
      const c = this.cur!;
      if (c.rec.nowNs < 0) this.diverged('the step reads the clock, but the recorded one did not');
      c.clockRead = true;
      return c.rec.nowNs;
    };
    return {
      self: name,
      rng: createRng(rngStateFrom(this.rec.seed, index + 1)),
      now,
      mem: memLookup(views, name),
      mark: (m) => marks.set(m, (marks.get(m) ?? 0) + 1),
      check:
        this.checker === null
          ? () => undefined
          : (ev) => {
              // On threads the event is stamped with the step's clock, which counts as a read there.
              now();
              // Through the codec, as the check log does on threads.
              messageCodec.encodeUnchecked(ev, this.scratch, 0);
              this.slots[index]!.checks.push(messageCodec.decode(this.scratch, 0) as CheckEvent);
            },
      assert(cond, code, detail) {
        if (!cond) assertionFailed(name, code, detail);
      },
      timer: (delayNs, msg) => {
        checkTimerDelay(name, delayNs);
        this.slots[index]!.timers.add(now() + delayNs, index, msg);
      },
      send: (channel, msg) => {
        const c = owned.get(channel);
        if (c === undefined) {
          badSendChannel(name, channel, channelIndex.has(channel));
        }
        const cur = this.cur!;
        if (cur.sends >= cur.rec.sends) this.diverged(`the step sends on '${channel}' (${msg.type}) beyond the ${cur.rec.sends} send(s) recorded`);
        const ordinal = cur.sends++;
        if (cur.rec.refusedSends[cur.refusedSeen] === ordinal) {
          cur.refusedSeen++;
          this.refused[c]!++;
          return false;
        }
        // Through the codec, as a ring does on threads.
        messageCodec.encode(msg, this.scratch, 0);
        this.queues[c]!.push(messageCodec.decode(this.scratch, 0) as Message);
        this.sent[c]!++;
        return true;
      },
    };
  }

  private memView(region: string, words: Int32Array, worker: number): MemView {
    const cursor = this.cursors[worker]!;
    const inner = plainMemView(region, words);
    return {
      words: words.length,
      load: (i) => {
        const here = inner.load(i);
        const c = this.cur!;
        if (c.loads >= c.rec.memReads) this.diverged(`the step loads more than the ${c.rec.memReads} word(s) recorded from shared memory`);
        c.loads++;
        const v = cursor.mem.uint();
        if (here >>> 0 !== v) this.racyLoads++;
        return v | 0;
      },
      store: (i, v) => inner.store(i, v),
    };
  }

  private readCheckActor(): void {
    if (this.order.done) {
      this.nextCheckActor = -1;
      return;
    }
    this.nextCheckActor = this.order.uint();
    this.nextCheckNs += this.order.int();
  }

  /** Feeds the checker every event whose turn has come in the recorded order. */
  private pumpChecks(): void {
    const checker = this.checker;
    if (checker === null) return;
    while (this.nextCheckActor >= 0) {
      const slot = this.slots[this.nextCheckActor];
      if (slot === undefined) fail('FAULTLINE_RECORD_CORRUPT', `check event #${this.checkSeq} names actor #${this.nextCheckActor}, which the topology does not have`);
      if (slot.checks.length === 0) return;
      checker.event(slot.checks.shift(), this.checkSeq++, this.nextCheckNs, this.nextCheckActor);
      this.readCheckActor();
    }
  }

  private finishChecks(steps: number): void {
    this.pumpChecks();
    if (this.checker === null) return;
    if (this.nextCheckActor >= 0) {
      this.diverged(`after ${steps} steps the recording still has check events (event #${this.checkSeq} is from '${this.slots[this.nextCheckActor]!.name}') the replay never emitted`);
    }
    const extra = this.slots.find((s) => s.checks.length > 0);
    if (extra) this.diverged(`actor '${extra.name}' emitted ${extra.checks.length} check event(s) more than the recording has`);
  }

  private compareEnd(steps: number): void {
    if (steps !== this.rec.steps) this.diverged(`the recording has ${this.rec.steps} steps in its counters but ${steps} step records`);
    for (const c of this.cursors) if (!c.mem.done) this.diverged("a worker's memory stream has loads no step consumed");
    this.topo.channels.forEach((c, i) => {
      const want = this.rec.channels[i]!;
      const got = { sent: this.sent[i]!, refused: this.refused[i]!, depth: this.queues[i]!.length };
      if (got.sent !== want.sent || got.refused !== want.refused || got.depth !== want.depth) {
        this.diverged(`channel '${c.name}' ends with sent/refused/depth ${got.sent}/${got.refused}/${got.depth}; recorded ${want.sent}/${want.refused}/${want.depth}`);
      }
    });
  }

  private compareActors(actors: ReplayResult['actors']): void {
    actors.forEach((a, i) => {
      if (statsDigest(a) !== this.rec.actorDigests[i]) {
        this.diverged(`actor '${a.name}' ends with other stats or pending work than recorded (digest ${statsDigest(a)}, recorded ${this.rec.actorDigests[i]})`);
      }
    });
  }

  private report(steps: number): ReplayResult {
    const marks: Record<string, number> = {};
    // Merged worker by worker, as the threaded runtime merges its workers' snapshots.
    for (const c of this.cursors) for (const [k, v] of c.marks) marks[k] = (marks[k] ?? 0) + v;
    const actors = this.slots.map((s) => ({
      name: s.name,
      kind: s.def.kind,
      pending: (s.def.pending?.(s.state) ?? 0) + s.timers.size,
      stats: s.def.stats?.(s.state) ?? {},
      state: s.state,
    }));
    this.compareActors(actors);
    const checker = this.checker?.finish({ quiescent: this.rec.stopReason === 'quiescent', stopReason: this.rec.stopReason }) ?? null;
    if (checker) checker.backPressureWaits = this.rec.backPressureWaits;
    return {
      steps,
      stopReason: this.rec.stopReason,
      wallMs: this.rec.wallMs,
      workers: this.rec.workers.length,
      actors,
      channels: this.topo.channels.map((c, i) => ({ name: c.name, sent: this.sent[i]!, refused: this.refused[i]!, depth: this.queues[i]!.length })),
      marks,
      checker,
      racyLoads: this.racyLoads,
    };
  }
}
