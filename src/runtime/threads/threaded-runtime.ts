// The threaded runtime: one worker_threads worker per actor (or per co-location group),
// SharedArrayBuffer rings between them, an eventfd per worker, and a Comlink control plane.
// The orchestrator (this module, on the main thread) never blocks: it starts the workers,
// watches the control blocks for quiescence, stalls and failures, and always tears every
// worker down — on success, on an actor's exception, on a stall, on Ctrl-C and when the
// caller's options.signal aborts. A failure is the abort reason of one AbortController per
// run, which cuts short every wait of the orchestrator (abort.ts); the time limit is a
// signal of its own, since it ends the run normally. With the
// checker on (the default) it also merges the workers' check-event logs every poll and
// feeds them to the online Checker (check-log.ts explains the merge), so a long run is
// judged while it goes; after the workers stop it drains the rest for the final verdict.
// With options.record it also collects the workers' step recordings and the merged order of
// the check events into result.recording, which replays exactly (src/runtime/record/).

import { runningFromSources } from '../../util/module-url.ts';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Checker } from '../../check/checker.ts';
import type { MetricsOptions } from '../../check/metrics-collector.ts';
import type { CheckerResult } from '../../check/types.ts';
import { EventFd, kCounter, spinBudgetFor } from '../../transport/eventfd.ts';
import { SabRing } from '../../transport/sab-ring.ts';
import type { MachinesMode } from '../../machines/mode.ts';
import { FaultlineError } from '../../util/errors.ts';
import { deadline, describeReason, sleepUnlessAborted, untilAborted } from './abort.ts';
import { spawnWorker } from '../spawn-worker.ts';
import { resolveTopology, type Topology } from '../../actor/topology.ts';
import type { ActorSnapshot, HostedActor, WorkerBoot, WorkerControl, WorkerEvent, WorkerSnapshot } from './boot.ts';
import { controlWords, kBlocked, kCtrlRequested, kParked, kState, kSteps, kStop, kTimers, kWakeEpoch, stateStopped } from './control-block.ts';
import { CheckLogMerger } from './check-log.ts';
import { layoutRun, logCapacityDefault, logSlotWords, type RunLayout } from './layout.ts';
import { RecordCollector, statsDigest, type RunRecording } from '../record/recording.ts';
import { sumTransportStats, type TransportStats } from './transport-stats.ts';
import { threadCpu, threadCpuSince, type ThreadCpu } from './thread-cpu.ts';

export interface ThreadedOptions {
  seed?: number;
  /** Idle polls before parking; default from the number of workers and cores. */
  spinIters?: number;
  /** Longest a worker parks before looking around again. */
  maxParkMs?: number;
  /** Messages drained from one ring before the worker turns to its other inputs. */
  batchMax?: number;
  /** Fail when nothing progresses this long while work is outstanding. */
  stallMs?: number;
  /** Stop the run (stopReason 'time-limit') after this long. */
  timeLimitMs?: number;
  /** How often the orchestrator looks at the control blocks. */
  pollMs?: number;
  /** Include each actor's full state in the result. */
  includeState?: boolean;
  /** Machine engine in every worker: the compiled executor (default) or XState itself. */
  machines?: MachinesMode;
  /** Run the online checker (default true). */
  check?: boolean;
  /** The metrics the checker derives from the check events (default on; false: off). */
  metrics?: MetricsOptions | false;
  /** Slots of each worker's check-event log (a power of two). */
  checkLogCapacity?: number;
  /** Scenario time runs this many times slower than the wall clock (ctx.now() = wall ns / timeScale; default 1). */
  timeScale?: number;
  /** Record every step so the run replays exactly in the simulator (result.recording; src/runtime/record/). */
  record?: boolean;
  /**
   * Stops the run from outside (a signal handler, an API caller): every worker is stopped and the
   * run rejects with FaultlineError 'FAULTLINE_INTERRUPTED' naming the abort reason.
   */
  signal?: AbortSignal;
}

export type ThreadedStopReason = 'quiescent' | 'time-limit';

export interface ThreadedChannelReport {
  name: string;
  sent: number;
  refused: number;
  depth: number;
}

export interface ThreadedResult {
  stopReason: ThreadedStopReason;
  wallMs: number;
  workers: number;
  spinIters: number;
  steps: number;
  actors: ActorSnapshot[];
  channels: ThreadedChannelReport[];
  marks: Record<string, number>;
  /** The online checker's verdict; null when it was off. */
  checker: CheckerResult | null;
  /** With options.record: everything an exact replay needs. */
  recording?: RunRecording;
  /** What the transport did (passes, messages, doorbells, notifies, parks, the orchestrator's polls): the run's wake-up cost, counted. */
  transport: TransportStats;
}

interface WorkerHandle {
  worker: Worker;
  port: MessagePort;
  control: Int32Array;
  eventFd: EventFd;
  /** The eventfd's words, read directly to see whether a signal is pending. */
  eventFdWords: Int32Array;
  proxy: Comlink.Remote<WorkerControl>;
  names: string[];
}

const workerMainUrl = new URL(runningFromSources ? './worker-main.ts' : './worker-main.js', import.meta.url);

export async function runThreaded(topology: Topology, options: ThreadedOptions = {}): Promise<ThreadedResult> {
  const topo = resolveTopology(topology);
  if (options.signal?.aborted) throw interrupted(options.signal.reason);
  const check = options.check ?? true;
  const layout = layoutRun(topo, { logCapacity: check ? (options.checkLogCapacity ?? logCapacityDefault) : 0, record: options.record ?? false });
  const sab = new SharedArrayBuffer(layout.sabBytes);
  const rings = layout.channels.map((c) => new SabRing(sab, c.ringOffset, c.capacity, c.slotWords, undefined, { init: true }));
  // Created (and initialised) before any worker attaches to its producer side.
  const checker = check ? new Checker({ actorNames: topo.actors.map((a) => a.name), metrics: options.metrics ?? {} }) : null;
  const collector = !options.record
    ? null
    : new RecordCollector(
        options.seed ?? 1,
        {
          actors: topo.actors.map((a, i) => ({ name: a.name, kind: a.def.kind, worker: layout.actorWorker[i]! })),
          channels: topo.channels.map((c) => ({ name: c.name, from: c.from, to: c.to, capacity: c.capacity })),
          memories: topo.memories.map((m) => ({ name: m.name, words: m.words })),
        },
        layout.workers.length,
      );
  const merger =
    checker === null
      ? null
      : new CheckLogMerger(
          layout.workers.map((w) => ({
            ring: new SabRing(sab, w.logOffset, layout.logCapacity, logSlotWords, undefined, { init: true }),
            control: new Int32Array(sab, w.controlOffset, controlWords),
          })),
          new Int32Array(sab, layout.seqOffset, 1),
          collector === null
            ? (ev, seq, actor, timeNs) => checker.event(ev, seq, timeNs, actor)
            : (ev, seq, actor, timeNs) => {
                checker.event(ev, seq, timeNs, actor);
                collector.checkEvent(actor, timeNs);
              },
        );
  const cores = os.availableParallelism();
  const spinIters = options.spinIters ?? spinBudgetFor(layout.workers.length, cores);
  const run = new ThreadedRun(
    layout,
    sab,
    rings,
    topo.actors.map((a) => a.name),
    checker,
    merger,
    collector,
    {
      seed: options.seed ?? 1,
      spinIters,
      maxParkMs: options.maxParkMs ?? 50,
      batchMax: options.batchMax ?? 256,
      timeScale: options.timeScale ?? 1,
      stallMs: options.stallMs ?? 10_000,
      timeLimitMs: options.timeLimitMs ?? Infinity,
      pollMs: options.pollMs ?? 5,
      includeState: options.includeState ?? false,
      machines: options.machines ?? 'compiled',
    },
  );
  const hosted = layout.workers.map((w) =>
    w.actors.map((i): HostedActor => {
      const a = topo.actors[i]!;
      return { index: i, name: a.name, kind: a.def.kind, module: a.def.module, config: a.config };
    }),
  );
  return run.execute(hosted, options.signal);
}

type Settings = Required<Omit<ThreadedOptions, 'seed' | 'check' | 'checkLogCapacity' | 'record' | 'signal' | 'metrics'>> & { seed: number };

/** The error a run stopped from outside rejects with. */
function interrupted(reason: unknown): FaultlineError {
  return new FaultlineError('FAULTLINE_INTERRUPTED', `the run was interrupted (${describeReason(reason)}); every worker was stopped`);
}

class ThreadedRun {
  private readonly handles: WorkerHandle[] = [];
  /**
   * Aborted once, when the run fails or is stopped from outside: its reason is the FaultlineError
   * the run rejects with (an actor's error, a worker's exit, a stall, an unresponsive worker,
   * an interruption), and every wait of the orchestrator gives up on it.
   */
  private readonly failed = new AbortController();
  private finished = false;
  private polls = 0;
  private orchestratorCpu: ThreadCpu | null = null;
  private processCpuNs = 0;

  constructor(
    private readonly layout: RunLayout,
    private readonly sab: SharedArrayBuffer,
    private readonly rings: SabRing[],
    private readonly actorNames: string[],
    private readonly checker: Checker | null,
    private readonly merger: CheckLogMerger | null,
    private readonly collector: RecordCollector | null,
    private readonly settings: Settings,
  ) {}

  async execute(hosted: HostedActor[][], external: AbortSignal | undefined): Promise<ThreadedResult> {
    const onSigint = (): void => this.abort(interrupted('SIGINT'));
    const onExternal = (): void => this.abort(interrupted(external!.reason));
    process.once('SIGINT', onSigint);
    external?.addEventListener('abort', onExternal, { once: true });
    let timeLimit: { signal: AbortSignal; clear: () => void } | undefined;
    try {
      await this.spawnAll(hosted);
      const startMs = performance.now();
      const cpuAtStart = threadCpu();
      const processAtStart = process.cpuUsage();
      timeLimit = this.timeLimit();
      await Promise.all(this.handles.map((h) => this.call(h, (p) => p.start(startMs))));
      const stopReason = await this.watch(timeLimit.signal);
      const wallMs = performance.now() - startMs;
      await this.stopAll();
      this.orchestratorCpu = threadCpuSince(cpuAtStart, threadCpu());
      const processCpu = process.cpuUsage(processAtStart);
      this.processCpuNs = (processCpu.user + processCpu.system) * 1000;
      const snaps = await Promise.all(this.handles.map((h) => this.call(h, (p) => p.snapshot(this.settings.includeState))));
      this.throwIfFailed();
      // Each worker posted its last chunk before it reported stopped; they may still be in flight.
      if (this.collector) await this.withTimeout(this.collector.done, 'the recording of a worker did not arrive within 30 s');
      // Every worker has stopped and published: the whole history is below the watermark now.
      this.merger?.pump();
      const checker = this.checker?.finish({ quiescent: stopReason === 'quiescent', stopReason }) ?? null;
      if (checker) checker.backPressureWaits = snaps.reduce((n, s) => n + s.checkLogWaits, 0);
      const result = this.result(stopReason, wallMs, snaps, checker);
      if (this.collector) {
        result.recording = this.collector.build({
          stopReason,
          wallMs,
          steps: result.steps,
          channels: result.channels,
          checker: checker !== null,
          backPressureWaits: checker?.backPressureWaits ?? 0,
          actorDigests: result.actors.map(statsDigest),
        });
      }
      return result;
    } catch (err) {
      // A failure thrown here rather than reported (a stall, an unresponsive worker) becomes the run's abort reason too.
      if (err instanceof FaultlineError) this.abort(err);
      throw err;
    } finally {
      timeLimit?.clear();
      process.off('SIGINT', onSigint);
      external?.removeEventListener('abort', onExternal);
      this.finished = true;
      await this.terminateAll();
    }
  }

  private async spawnAll(hosted: HostedActor[][]): Promise<void> {
    const ready = this.layout.workers.map((w) => {
      const { port1, port2 } = new MessageChannel();
      const boot: WorkerBoot = {
        sab: this.sab,
        layout: this.layout,
        workerIndex: w.index,
        actors: hosted[w.index]!,
        seed: this.settings.seed,
        machinesMode: this.settings.machines,
        spinIters: this.settings.spinIters,
        maxParkMs: this.settings.maxParkMs,
        batchMax: this.settings.batchMax,
        timeScale: this.settings.timeScale,
        record: this.collector !== null,
        controlPort: port2,
      };
      const worker = spawnWorker(workerMainUrl, boot, { transferList: [port2] });
      const names = hosted[w.index]!.map((a) => a.name);
      const handle: WorkerHandle = {
        worker,
        port: port1,
        names,
        control: new Int32Array(this.sab, w.controlOffset, controlWords),
        eventFd: new EventFd(this.sab, w.eventFdOffset),
        eventFdWords: new Int32Array(this.sab, w.eventFdOffset, 2),
        proxy: Comlink.wrap<WorkerControl>(nodeEndpoint(port1)),
      };
      this.handles.push(handle);
      return new Promise<void>((resolve) => {
        worker.on('message', (ev: WorkerEvent) => {
          if (ev.type === 'ready') resolve();
          else if (ev.type === 'record-chunk') this.collector?.chunk(ev.workerIndex, ev.chunk, ev.last);
          else if (ev.type === 'actor-error') this.abort(actorFailure(ev.actor, ev.error));
        });
        worker.on('error', (err) => this.abort(actorFailure(names.join('+'), { name: err.name, message: err.message, stack: err.stack, code: (err as { code?: string }).code })));
        worker.on('exit', (code) => {
          if (!this.finished) this.abort(new FaultlineError('FAULTLINE_WORKER_EXIT', `the worker of ${names.join(', ')} exited with code ${code} during the run`));
        });
      });
    });
    await this.untilFailed(Promise.all(ready));
  }

  /** A control call: announce it in the control block and ring the eventfd, so a parked worker yields to its event loop. */
  private async call<T>(h: WorkerHandle, fn: (p: Comlink.Remote<WorkerControl>) => Promise<T>, timeoutMs = 30_000): Promise<T> {
    Atomics.add(h.control, kCtrlRequested, 1);
    h.eventFd.signal(1);
    return this.withTimeout(fn(h.proxy), `the worker of ${h.names.join(', ')} did not answer a control call within ${timeoutMs} ms`, timeoutMs);
  }

  /** `p`, cut short by the run's failure or, after `timeoutMs`, by FAULTLINE_WORKER_UNRESPONSIVE (which does not fail the run by itself). */
  private async withTimeout<T>(p: Promise<T>, message: string, timeoutMs = 30_000): Promise<T> {
    const d = deadline(timeoutMs, () => new FaultlineError('FAULTLINE_WORKER_UNRESPONSIVE', message), this.failed.signal);
    try {
      return await untilAborted(p, d.signal);
    } finally {
      d.clear();
    }
  }

  /** Fail the run with `err` (the first failure wins): every worker is terminated and every wait gives up. */
  private abort(err: FaultlineError): void {
    if (this.failed.signal.aborted || this.finished) return;
    for (const h of this.handles) void h.worker.terminate();
    this.failed.abort(err);
  }

  private throwIfFailed(): void {
    this.failed.signal.throwIfAborted();
  }

  private untilFailed<T>(p: Promise<T>): Promise<T> {
    return untilAborted(p, this.failed.signal);
  }

  private sleep(ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.failed.signal);
  }

  /** Aborts when the run's time limit is up: the run then stops normally, with stopReason 'time-limit'. */
  private timeLimit(): { signal: AbortSignal; clear: () => void } {
    const limit = new AbortController();
    const ms = this.settings.timeLimitMs;
    // Beyond setTimeout's range (2^31 - 1 ms, about 24.8 days) there is no limit to arm.
    const timer = ms < 2 ** 31 ? setTimeout(() => limit.abort('time-limit'), ms) : undefined;
    return { signal: limit.signal, clear: () => clearTimeout(timer) };
  }

  /** Polls the control blocks until the run is quiescent, hits its time limit, stalls or fails. */
  private async watch(timeLimit: AbortSignal): Promise<ThreadedStopReason> {
    let lastSteps = -1;
    let lastActivity = -1;
    let lastStepMs = performance.now();
    let quietScans = 0;
    // A poll's sleep ends early when the run fails or its time is up.
    const wake = AbortSignal.any([this.failed.signal, timeLimit]);
    for (;;) {
      await sleepUnlessAborted(this.settings.pollMs, wake);
      this.throwIfFailed();
      this.polls++;
      this.merger?.pump();
      const now = performance.now();
      const steps = this.sumWord(kSteps);
      // Quiescence needs no step and no wake-up between two looks, with everyone idle both times.
      const activity = (steps + this.sumWord(kWakeEpoch) * 7919) | 0;
      quietScans = activity === lastActivity && this.allIdle() ? quietScans + 1 : 0;
      lastActivity = activity;
      if (quietScans >= 2) return 'quiescent';
      if (steps !== lastSteps) {
        lastSteps = steps;
        lastStepMs = now;
      } else if (now - lastStepMs > this.settings.stallMs && !this.allIdle(true)) {
        // Every worker parked on nothing but future timers is waiting, not stalled.
        throw await this.stallError(now - lastStepMs);
      }
      if (timeLimit.aborted) return 'time-limit';
    }
  }

  private sumWord(word: number): number {
    let sum = 0;
    for (const h of this.handles) sum = (sum + Atomics.load(h.control, word)) | 0;
    return sum;
  }

  /** Every worker parked with no timers (unless ignored) or refused sends, every eventfd and ring empty. */
  private allIdle(ignoreTimers = false): boolean {
    for (const h of this.handles) {
      const c = h.control;
      if (Atomics.load(c, kParked) !== 1 || Atomics.load(c, kBlocked) !== 0) return false;
      if (!ignoreTimers && Atomics.load(c, kTimers) !== 0) return false;
      if (Atomics.load(h.eventFdWords, kCounter) !== 0) return false;
    }
    for (const r of this.rings) if (r.depth() !== 0) return false;
    return true;
  }

  private async stallError(quietMs: number): Promise<FaultlineError> {
    const lines = [`nothing progressed for ${Math.round(quietMs)} ms while work was outstanding`];
    lines.push('channels (depth/capacity):');
    for (const c of this.layout.channels) lines.push(`  ${c.name}: ${this.rings[c.index]!.depth()}/${c.capacity}`);
    lines.push('actors:');
    for (const h of this.handles) {
      const c = h.control;
      const flags = `parked=${Atomics.load(c, kParked)} timers=${Atomics.load(c, kTimers)} blockedSends=${Atomics.load(c, kBlocked)}`;
      try {
        const snap = await this.call(h, (p) => p.snapshot(true), 1000);
        for (const a of snap.actors) lines.push(`  ${a.name} (${a.kind}) pending=${a.pending} ${flags} state=${brief(a.state)}`);
      } catch {
        lines.push(`  ${h.names.join(', ')}: unresponsive (busy in a step?) ${flags}`);
      }
    }
    const report = lines.join('\n');
    // The checker's liveness verdict, with this report attached, goes along with the error.
    this.merger?.pump();
    const checker = this.checker?.finish({ quiescent: false, stopReason: 'stall', stallReport: report });
    return new FaultlineError('FAULTLINE_STALL', report, checker ? { checker } : undefined);
  }

  private async stopAll(): Promise<void> {
    for (const h of this.handles) {
      Atomics.store(h.control, kStop, 1);
      h.eventFd.signal(1);
    }
    const deadline = performance.now() + 10_000;
    while (this.handles.some((h) => Atomics.load(h.control, kState) !== stateStopped)) {
      this.throwIfFailed();
      // A worker waiting for room in its check log can only finish its step once we drain.
      this.merger?.pump();
      if (performance.now() > deadline) throw new FaultlineError('FAULTLINE_WORKER_UNRESPONSIVE', 'a worker did not stop within 10 s');
      await this.sleep(1);
    }
  }

  private async terminateAll(): Promise<void> {
    await Promise.all(
      this.handles.map(async (h) => {
        h.proxy[Comlink.releaseProxy]();
        h.port.close();
        await h.worker.terminate();
      }),
    );
  }

  private result(stopReason: ThreadedStopReason, wallMs: number, snaps: WorkerSnapshot[], checker: CheckerResult | null): ThreadedResult {
    const counters = new Map(snaps.flatMap((s) => s.channels.map((c) => [c.name, c] as const)));
    const marks: Record<string, number> = {};
    for (const s of snaps) for (const [k, v] of Object.entries(s.marks)) marks[k] = (marks[k] ?? 0) + v;
    const actors = snaps.flatMap((s) => s.actors);
    actors.sort((a, b) => this.actorNames.indexOf(a.name) - this.actorNames.indexOf(b.name));
    return {
      stopReason,
      wallMs,
      workers: this.handles.length,
      spinIters: this.settings.spinIters,
      steps: snaps.reduce((n, s) => n + s.steps, 0),
      actors,
      channels: this.layout.channels.map((c) => ({
        name: c.name,
        sent: counters.get(c.name)?.sent ?? 0,
        refused: counters.get(c.name)?.refused ?? 0,
        depth: this.rings[c.index]!.depth(),
      })),
      marks,
      checker,
      transport: sumTransportStats(
        snaps.map((s) => s.transport),
        { polls: this.polls, checkEvents: this.merger?.count ?? 0, cpuNs: this.orchestratorCpu?.cpuNs ?? 0, runQueueNs: this.orchestratorCpu?.runQueueNs ?? 0, processCpuNs: this.processCpuNs },
      ),
    };
  }
}

function actorFailure(actor: string, error: { name?: string; message: string; stack: string | undefined; code: string | undefined }): FaultlineError {
  const err = new FaultlineError('FAULTLINE_ACTOR_FAILED', `actor '${actor}' threw: ${error.message}`, { actor, causeCode: error.code });
  if (error.stack) err.stack = `${err.stack}\ncaused by (in worker): ${error.stack}`;
  return err;
}

function brief(state: unknown): string {
  const text = JSON.stringify(state, (_, v: unknown) => (Array.isArray(v) && v.length > 8 ? `[${v.length} items]` : v));
  return text === undefined ? 'undefined' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
