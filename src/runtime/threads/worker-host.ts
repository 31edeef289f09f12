// The body of every worker of a threaded run: hosts one or more actors, drains their
// inbound rings in batches, steps them, fires their timers, publishes outbound rings once
// per batch and parks on the worker's eventfd when idle. The control plane (start,
// snapshot) arrives over Comlink; since a worker parked in Atomics.wait cannot see its
// event loop, the orchestrator announces each call in the control block and signals the
// eventfd, and the loop yields to the event loop until the call has been served. With
// boot.record, a StepRecorder (src/runtime/record/) notes what every step consumed.

import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { badSendChannel, createActorCtx, ownedChannels } from '../../actor/ctx.ts';
import type { ActorCtx, AnyActorDef, Inbound } from '../../actor/define.ts';
import { messageCodec, type Message } from '../../protocol/messages.ts';
import { EventFd } from '../../transport/eventfd.ts';
import { SabPort } from '../../transport/sab-port.ts';
import { SabRing } from '../../transport/sab-ring.ts';
import { fail, toErrorRecord } from '../../util/errors.ts';
import { TimerHeap } from '../sim/timer-heap.ts';
import { sharedMemView } from '../mem-view.ts';
import { setMachinesMode } from '../../machines/mode.ts';
import { CheckLogWriter } from './check-log.ts';
import { srcStart, srcTimer, srcWritableBase, StepRecorder } from '../record/recorder.ts';
import { logSlotWords } from './layout.ts';
import type { WorkerTransportStats } from './transport-stats.ts';
import { threadCpu, threadCpuSince, type ThreadCpu } from './thread-cpu.ts';
import type { ActorSnapshot, WorkerBoot, WorkerControl, WorkerEvent, WorkerSnapshot } from './boot.ts';
import { controlWords, kBlocked, kCtrlRequested, kCtrlServed, kParked, kState, kSteps, kStop, kTimers, kWakeEpoch, stateFailed, stateReady, stateRunning, stateStopped } from './control-block.ts';

interface Hosted {
  index: number;
  name: string;
  def: AnyActorDef;
  state: unknown;
  ctx: ActorCtx;
}

async function loadDef(module: string, kind: string): Promise<AnyActorDef> {
  const mod = (await import(module)) as Record<string, unknown>;
  for (const value of Object.values(mod)) {
    const def = value as Partial<AnyActorDef> | null;
    if (def && typeof def === 'object' && def.kind === kind && typeof def.step === 'function') return def as AnyActorDef;
  }
  return fail('FAULTLINE_ACTOR_MODULE', `module ${module} exports no actor definition of kind '${kind}'`);
}

export async function runWorker(boot: WorkerBoot): Promise<void> {
  const { sab, layout, workerIndex } = boot;
  const me = layout.workers[workerIndex]!;
  const control = new Int32Array(sab, me.controlOffset, controlWords);
  const eventFds = layout.workers.map((w) => new EventFd(sab, w.eventFdOffset));
  const myEventFd = eventFds[workerIndex]!;
  const ports = layout.channels.map((c) => {
    if (c.fromWorker !== workerIndex && c.toWorker !== workerIndex) return null;
    const ring = new SabRing(sab, c.ringOffset, c.capacity, c.slotWords);
    return new SabPort<Message>(ring, messageCodec, eventFds[c.toWorker]!, eventFds[c.fromWorker]!);
  });
  const outbound = layout.channels.filter((c) => c.fromWorker === workerIndex).map((c) => c.index);
  const inbound = layout.channels.filter((c) => c.toWorker === workerIndex).map((c) => c.index);
  const channelIndex = new Map(layout.channels.map((c) => [c.name, c.index]));
  const sent = layout.channels.map(() => 0);
  const refused = layout.channels.map(() => 0);
  const blocked = new Set<number>();
  const timers = new TimerHeap();
  const marks = new Map<string, number>();
  // src: where the message came from, for the recorder (srcStart, srcWritableBase - channel).
  const selfInbox: { actor: number; msg: Inbound; src: number }[] = [];
  let runStartMs = performance.now();
  const nsPerWallMs = 1e6 / boot.timeScale;
  const nowNs = (): number => Math.round((performance.now() - runStartMs) * nsPerWallMs);
  // ctx.now() (and ctx.timer's base) read the clock once per delivered message: every call made
  // while one message is handled sees the same instant, as on the deterministic runtime.
  // deliverTo resets it to -1 before each step.
  let stepNs = -1;
  const stepNow = (): number => (stepNs >= 0 ? stepNs : (stepNs = nowNs()));
  let steps = 0;
  let ctrlServed = 0;
  let passes = 0;
  let busyPasses = 0;
  let messagesIn = 0;
  let cpuAtStart: ThreadCpu | null = null;

  const logWriter = me.logOffset < 0 ? null : new CheckLogWriter(new SabRing(sab, me.logOffset, layout.logCapacity, logSlotWords), new Int32Array(sab, layout.seqOffset, 1), control);
  // Recording (opt-in): null when off, so the hot path pays one null check per step and send.
  const recorder = !boot.record
    ? null
    : new StepRecorder(new Int32Array(sab, layout.recordBatchOffset, 1), (chunk, last) => {
        parentPort!.postMessage({ type: 'record-chunk', workerIndex, chunk, last } satisfies WorkerEvent, [chunk.steps.buffer as ArrayBuffer, chunk.mem.buffer as ArrayBuffer]);
      });
  const memViews = new Map(
    layout.memories.map((m) => {
      const view = sharedMemView(m.name, new Int32Array(sab, m.offset, m.words));
      return [m.name, recorder === null ? view : recorder.memView(view)];
    }),
  );
  setMachinesMode(boot.machinesMode);
  const hosted: Hosted[] = [];
  const localOf = new Map<number, number>();
  for (const a of boot.actors) {
    const def = await loadDef(a.module, a.kind);
    const local = hosted.length;
    localOf.set(a.index, local);
    const owned = ownedChannels(layout.channels, a.index);
    const ctx = createActorCtx(a.name, {
      rngSeed: boot.seed,
      rngStream: a.index + 1,
      marks,
      memories: memViews,
      now: stepNow,
      // The event's time is the step's clock (read once per step, as ctx.now() does; a step
      // that emits a check event counts as reading the clock, in the recording and its replay).
      check: logWriter === null ? () => undefined : (ev) => logWriter.emit(ev, a.index, stepNow()),
      timerAt: (atNs, msg) => timers.add(atNs, local, msg),
      send(channel, msg) {
        const c = owned.get(channel);
        if (c === undefined) return badSendChannel(a.name, channel, channelIndex.has(channel));
        if (ports[c]!.trySend(msg)) {
          sent[c]!++;
          if (recorder !== null) recorder.send(true);
          return true;
        }
        if (recorder !== null) recorder.send(false);
        refused[c]!++;
        blocked.add(c);
        return false;
      },
    });
    hosted.push({ index: a.index, name: a.name, def, state: def.init(a.config, a.name), ctx });
  }

  let failed = false;
  const deliverTo = (local: number, msg: Inbound, src: number): void => {
    const h = hosted[local]!;
    stepNs = -1;
    if (recorder !== null) recorder.begin(src, h.index);
    try {
      h.def.step(h.state, msg, h.ctx);
    } catch (err) {
      failed = true;
      Atomics.store(control, kState, stateFailed);
      const event: WorkerEvent = { type: 'actor-error', workerIndex, actor: h.name, error: toErrorRecord(err) };
      parentPort!.postMessage(event);
      throw err;
    }
    if (recorder !== null) recorder.end(stepNs);
    steps++;
  };
  const deliverFromRing = inbound.map((c) => {
    const local = localOf.get(layout.channels[c]!.to)!;
    return (msg: Message): void => deliverTo(local, msg, c);
  });

  const flushAll = (): void => {
    for (const c of outbound) ports[c]!.flush();
    logWriter?.publish();
  };

  /** One pass over every input; returns how many messages it handled. */
  const pass = (): number => {
    let work = 0;
    if (timers.size > 0) {
      const now = nowNs();
      while (timers.peekNs() <= now) {
        const t = timers.pop();
        deliverTo(t.actor, t.msg, srcTimer);
        work++;
      }
    }
    if (blocked.size > 0) {
      for (const c of blocked) {
        // wantSpace arms the consumer's wake-up when the ring is still full, so parking is safe.
        if (!ports[c]!.wantSpace()) {
          blocked.delete(c);
          selfInbox.push({ actor: localOf.get(layout.channels[c]!.from)!, msg: { type: 'sys.writable', channel: layout.channels[c]!.name }, src: srcWritableBase - c });
        }
      }
    }
    while (selfInbox.length > 0) {
      const item = selfInbox.shift()!;
      deliverTo(item.actor, item.msg, item.src);
      work++;
    }
    let taken = 0;
    for (let i = 0; i < inbound.length; i++) {
      if (recorder !== null) recorder.newBatch();
      taken += ports[inbound[i]!]!.drain(boot.batchMax, deliverFromRing[i]!);
    }
    flushAll();
    passes++;
    messagesIn += taken;
    work += taken;
    if (work > 0) busyPasses++;
    return work;
  };

  const loop = (): void => {
    try {
      for (;;) {
        myEventFd.tryRead();
        const work = pass();
        // steps only moves when a pass handled something; otherwise the word already holds it.
        if (work > 0) Atomics.store(control, kSteps, steps | 0);
        if (Atomics.load(control, kStop) === 1) {
          // The last chunk is posted before the stop is announced, so the orchestrator gets it.
          recorder?.flush(true);
          Atomics.store(control, kState, stateStopped);
          return;
        }
        if (Atomics.load(control, kCtrlRequested) !== ctrlServed) {
          setImmediate(loop);
          return;
        }
        if (work === 0) park();
      }
    } catch (err) {
      if (!failed) {
        Atomics.store(control, kState, stateFailed);
        parentPort!.postMessage({ type: 'actor-error', workerIndex, actor: `worker ${workerIndex}`, error: toErrorRecord(err) } satisfies WorkerEvent);
      }
    }
  };

  const park = (): void => {
    Atomics.store(control, kTimers, timers.size);
    Atomics.store(control, kBlocked, blocked.size);
    Atomics.store(control, kParked, 1);
    let timeoutMs = boot.maxParkMs;
    if (timers.size > 0) timeoutMs = Math.min(timeoutMs, Math.max(0, (timers.peekNs() - nowNs()) / 1e6));
    let anyInput = false;
    for (const c of inbound) if (ports[c]!.depth() > 0) anyInput = true;
    let signalled = true;
    if (!anyInput && timeoutMs > 0) signalled = myEventFd.wait(timeoutMs, boot.spinIters) !== 0;
    Atomics.store(control, kParked, 0);
    // A park that timed out with nothing signalled changed nothing the orchestrator must see (a
    // due timer or an input makes the next pass take steps, which it sees): counting it made
    // every idle worker look busy every maxParkMs, so a poll period longer than that never
    // found a finished run quiescent.
    if (signalled) Atomics.add(control, kWakeEpoch, 1);
  };

  const transportStats = (): WorkerTransportStats => {
    let signals = 0;
    for (const c of outbound) signals += ports[c]!.signalCount;
    let notifies = 0;
    for (const e of eventFds) notifies += e.notifies;
    const cpu = threadCpuSince(cpuAtStart, threadCpu());
    return {
      passes,
      busyPasses,
      messagesIn,
      signals,
      notifies,
      parks: myEventFd.parks,
      parkTimeouts: myEventFd.parkTimeouts,
      threadCpuNs: cpu?.cpuNs ?? 0,
      threadRunQueueNs: cpu?.runQueueNs ?? 0,
    };
  };

  const api: WorkerControl = {
    start(startMs) {
      runStartMs = startMs;
      cpuAtStart = threadCpu();
      ctrlServed++;
      Atomics.store(control, kCtrlServed, ctrlServed);
      Atomics.store(control, kState, stateRunning);
      for (let i = 0; i < hosted.length; i++) selfInbox.push({ actor: i, msg: { type: 'sys.start' }, src: srcStart });
      setImmediate(loop);
    },
    snapshot(includeState) {
      ctrlServed++;
      Atomics.store(control, kCtrlServed, ctrlServed);
      const actors: ActorSnapshot[] = hosted.map((h) => ({
        name: h.name,
        kind: h.def.kind,
        pending: (h.def.pending?.(h.state) ?? 0) + timers.countFor(localOf.get(h.index)!),
        stats: h.def.stats?.(h.state) ?? {},
        state: includeState ? h.state : undefined,
      }));
      const snap: WorkerSnapshot = {
        workerIndex,
        steps,
        actors,
        marks: Object.fromEntries(marks),
        checkLogWaits: logWriter?.waits ?? 0,
        transport: transportStats(),
        channels: outbound.map((c) => ({ name: layout.channels[c]!.name, sent: sent[c]!, refused: refused[c]! })),
      };
      return snap;
    },
  };
  Comlink.expose(api, nodeEndpoint(boot.controlPort));
  Atomics.store(control, kState, stateReady);
  parentPort!.postMessage({ type: 'ready', workerIndex } satisfies WorkerEvent);
}

export function bootFromWorkerData(): WorkerBoot {
  const boot = workerData as WorkerBoot | undefined;
  if (!boot || !(boot.sab instanceof SharedArrayBuffer)) fail('FAULTLINE_WORKER_BOOT', 'worker started without a run boot record in workerData');
  return boot;
}
