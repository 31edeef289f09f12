// The worker side of recording a threaded run: what each actor step of this worker consumed
// from the outside world — which input (channel, timer, sys message), the clock value, which
// sends were refused, the words it loaded from shared memory — plus the step's place in one
// global order: its batch number. The worker host opens a new batch before each ring drain;
// the batch's first step takes a number from one shared counter, after the drain loaded the
// ring's tail. Every message of the drain was published (end of its sender's pass) before
// that load, and its send step belongs to a batch numbered before the publish, so a receive
// step's batch number is always larger than its send step's. Steps of a batch are consecutive
// steps of one worker, so (batch number, order in the worker) is a total order in which every
// message is sent before it is received. One atomic add per batch rather than per step: on
// two cores a shared counter bumped on every step cost ~15% of the bare chain's throughput.
// Streams go to the orchestrator in chunks over postMessage; the worker host calls in only
// when recording is on.

import type { MemView } from '../../actor/define.ts';
import { ByteWriter } from './bytes.ts';
import { kindChannel, kindStart, kindTimer, kindWritable, StepWriter } from './step-format.ts';

/** A delivery's source as the worker host names it: a channel index, or one of these. */
export const srcTimer = -1;
export const srcStart = -2;
/** sys.writable for channel c is srcWritableBase - c. */
export const srcWritableBase = -3;

export interface RecordChunk {
  steps: Uint8Array;
  mem: Uint8Array;
}

const chunkBytes = 1 << 20;

export class StepRecorder {
  private readonly stepBytes = new ByteWriter(1 << 16);
  private readonly memBytes = new ByteWriter(1 << 16);
  private readonly steps = new StepWriter(this.stepBytes);
  private readonly refused: number[] = [];
  private kind = 0;
  private source = 0;
  private batch = 0;
  private batchOpen = false;
  private sends = 0;
  private memReads = 0;

  constructor(
    private readonly batchWord: Int32Array,
    private readonly post: (chunk: RecordChunk, last: boolean) => void,
  ) {}

  /** Before the step: what it is handed (src as srcTimer/srcStart/srcWritableBase - c, or a channel), to which actor. */
  begin(src: number, actor: number): void {
    if (src >= 0) {
      this.kind = kindChannel;
      this.source = src;
    } else if (src === srcTimer || src === srcStart) {
      this.kind = src === srcTimer ? kindTimer : kindStart;
      this.source = actor;
    } else {
      this.kind = kindWritable;
      this.source = srcWritableBase - src;
    }
    if (!this.batchOpen) {
      this.batch = Atomics.add(this.batchWord, 0, 1) >>> 0;
      this.batchOpen = true;
    }
    this.sends = 0;
    this.memReads = 0;
    // Setting an array's length costs tens of ns even when it is already 0: only when needed.
    if (this.refused.length !== 0) this.refused.length = 0;
  }

  /** Before a ring drain: the next step takes a new batch number. */
  newBatch(): void {
    this.batchOpen = false;
  }

  send(ok: boolean): void {
    if (!ok) this.refused.push(this.sends);
    this.sends++;
  }

  /** After the step: nowNs is the clock value it saw, -1 if it never looked. */
  end(nowNs: number): void {
    this.steps.write(this.kind, this.source, this.batch, nowNs, this.sends, this.refused, this.memReads);
    if (this.stepBytes.length >= chunkBytes || this.memBytes.length >= chunkBytes) this.flush(false);
  }

  /** Wraps a shared memory view so every load is recorded. */
  memView(inner: MemView): MemView {
    return {
      words: inner.words,
      load: (i) => {
        const v = inner.load(i);
        this.memBytes.uint(v >>> 0);
        this.memReads++;
        return v;
      },
      store: (i, v) => inner.store(i, v),
    };
  }

  flush(last: boolean): void {
    this.post({ steps: this.stepBytes.take(), mem: this.memBytes.take() }, last);
  }
}
