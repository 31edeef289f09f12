// What the orchestrator hands each worker at start (workerData): the shared buffer, the
// layout, the actors this worker hosts and the tuning of its loop. Structured-cloneable.

import type { MessagePort } from 'node:worker_threads';
import type { MachinesMode } from '../../machines/mode.ts';
import type { RunLayout } from './layout.ts';
import type { RecordChunk } from '../record/recorder.ts';
import type { WorkerTransportStats } from './transport-stats.ts';

export interface HostedActor {
  index: number;
  name: string;
  kind: string;
  module: string;
  config: unknown;
}

export interface WorkerBoot {
  sab: SharedArrayBuffer;
  layout: RunLayout;
  workerIndex: number;
  actors: HostedActor[];
  seed: number;
  /** Machine engine for this worker: runWorker sets it from here before it imports the actor modules. */
  machinesMode: MachinesMode;
  spinIters: number;
  maxParkMs: number;
  batchMax: number;
  /** ctx.now() = elapsed wall ns / timeScale (scenario time runs this many times slower than the wall clock). */
  timeScale: number;
  /** Record every step for an exact replay (src/runtime/record/); the layout then has its batch counter. */
  record: boolean;
  controlPort: MessagePort;
}

export interface ActorSnapshot {
  name: string;
  kind: string;
  pending: number;
  stats: Record<string, unknown>;
  state: unknown;
}

export interface ChannelCounters {
  name: string;
  sent: number;
  refused: number;
}

export interface WorkerSnapshot {
  workerIndex: number;
  steps: number;
  actors: ActorSnapshot[];
  channels: ChannelCounters[];
  marks: Record<string, number>;
  /** Times the worker waited for room in its check-event log (checker back-pressure). */
  checkLogWaits: number;
  /** Passes, messages, doorbells, notifies and parks of this worker (transport-stats.ts). */
  transport: WorkerTransportStats;
}

/** The control plane a worker exposes over Comlink. */
export interface WorkerControl {
  /** Deliver sys.start and run; runStartMs is performance.now() of the start (Node 20 workers share the time origin). */
  start(runStartMs: number): void;
  snapshot(includeState: boolean): WorkerSnapshot;
}

/** Messages a worker posts on parentPort (outside Comlink, so they arrive even mid-call). */
export type WorkerEvent =
  | { type: 'ready'; workerIndex: number }
  | { type: 'record-chunk'; workerIndex: number; chunk: RecordChunk; last: boolean }
  | { type: 'actor-error'; workerIndex: number; actor: string; error: { name: string; message: string; stack: string | undefined; code: string | undefined } };
