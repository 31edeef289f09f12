// What a recorded threaded run is, as data (RunRecording), and the orchestrator's collector
// that assembles it: every worker's step and memory streams (arriving in chunks), the actor
// of every check event in the merged order, and how the run ended. Everything the replay
// needs beyond the topology the caller rebuilds; the file form is in record-file.ts.

import { fail } from '../../util/errors.ts';
import { TraceHash } from '../../util/hash.ts';
import { ByteWriter, concatBytes } from './bytes.ts';
import type { RecordChunk } from './recorder.ts';

export interface RecordedTopology {
  actors: { name: string; kind: string; worker: number }[];
  channels: { name: string; from: number; to: number; capacity: number }[];
  memories: { name: string; words: number }[];
}

export interface WorkerStreams {
  steps: Uint8Array;
  mem: Uint8Array;
}

export interface RunRecording {
  seed: number;
  topology: RecordedTopology;
  stopReason: string;
  wallMs: number;
  /** Actor steps taken by all workers (each one has a record). */
  steps: number;
  channels: { name: string; sent: number; refused: number; depth: number }[];
  /** Whether the online checker ran; without it checkOrder is empty. */
  checker: boolean;
  checkEvents: number;
  backPressureWaits: number;
  /** Per actor, a digest of its final stats and pending count (statsDigest): the replay must end the same. */
  actorDigests: string[];
  workers: WorkerStreams[];
  /** Per check event in the merged (sequence number) order: its actor index, then its time as a signed delta from the previous event's (varints). */
  checkOrder: Uint8Array;
}

export type RunOutcomeForRecord = Omit<RunRecording, 'workers' | 'checkOrder' | 'checkEvents' | 'topology' | 'seed'>;

/** A digest of what an actor ends with, to catch a replay that diverged without any count showing it. */
export function statsDigest(a: { pending: number; stats: Record<string, unknown> }): string {
  const h = new TraceHash();
  h.word(a.pending);
  h.string(JSON.stringify(a.stats) ?? '');
  return h.hex();
}

export class RecordCollector {
  private readonly chunks: RecordChunk[][];
  private readonly ended: boolean[];
  private readonly order = new ByteWriter(1 << 16);
  private events = 0;
  private lastCheckNs = 0;
  private resolveDone: (() => void) | null = null;
  /** Resolves once every worker has sent its last chunk. */
  readonly done: Promise<void>;

  constructor(
    private readonly seed: number,
    private readonly topology: RecordedTopology,
    workers: number,
  ) {
    this.chunks = Array.from({ length: workers }, () => []);
    this.ended = new Array<boolean>(workers).fill(false);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  chunk(worker: number, chunk: RecordChunk, last: boolean): void {
    if (this.ended[worker]) fail('FAULTLINE_RECORD_CHUNK', `worker ${worker} sent a recording chunk after its last one`);
    this.chunks[worker]!.push(chunk);
    if (last) {
      this.ended[worker] = true;
      if (this.ended.every(Boolean)) this.resolveDone?.();
    }
  }

  /** One check event handed to the checker, in merged order. */
  checkEvent(actor: number, timeNs: number): void {
    this.order.uint(actor);
    this.order.int(timeNs - this.lastCheckNs);
    this.lastCheckNs = timeNs;
    this.events++;
  }

  build(outcome: RunOutcomeForRecord): RunRecording {
    return {
      seed: this.seed,
      topology: this.topology,
      ...outcome,
      checkEvents: this.events,
      workers: this.chunks.map((list) => ({ steps: concatBytes(list.map((c) => c.steps)), mem: concatBytes(list.map((c) => c.mem)) })),
      checkOrder: this.order.take(),
    };
  }
}
