// Check events on threads: each worker writes its actors' check events into its own log ring
// (SPSC, worker → orchestrator), each stamped with a number taken from ONE shared sequence
// word; the orchestrator merges the rings back into that single order and feeds the Checker
// while the run goes, processing only the prefix it can prove complete.
//
// Writer (worker), per event:  reserve a slot (before taking a number, so a full log never
//   strands a taken number) → on the batch's first event: kLogFloor = load(seq), kLogBusy = 1
//   → s = Atomics.add(seq, 1) → write s and the event into the slot. At the end of the batch:
//   publish the ring (one store of its tail), then kLogBusy = 0. Hot path: one atomic add and
//   the slot words; the floor/busy stores and the publish are paid once per batch.
//
// Merger (orchestrator), per pump:  (1) G = load(seq); (2) for each worker, if kLogBusy = 1
//   read kLogFloor; W = min(G, those floors); (3) drain the rings; (4) hand the events out
//   in sequence order while the next one is below W, checking it is exactly the next number.
//
// Why nothing below W can be missing or come out of order: take an event with number s < W
//   written by worker i. s < G, so its Atomics.add came before load (1) in the (sequentially
//   consistent) order of atomics, and so did the floor/busy stores of its batch (they precede
//   the add). At (2) the merger reads i's kLogBusy after them: if it reads 1 from this batch,
//   it reads a floor ≤ s (or a later batch's floor, written after this batch's publish), so
//   either W ≤ s — contradiction — or the publish happened before (2); if it reads 0, that 0
//   was stored after the batch's publish. Either way the slot is published before the drain
//   (3) loads the tail. Each ring holds its worker's numbers in increasing order (one worker
//   takes them one after another), so merging ring heads by number yields the global order.
//   Numbers wrap at 2^32 and are compared by difference from the next expected one.
//
// Bounded memory: at most `bufferMax` events per worker wait on the orchestrator, copied out
// of the ring as their words (typed-array columns) and decoded only when handed out, so an
// event object lives for one sink call and dies young; the rest stay in the rings. A full log makes the worker publish, drop kLogBusy (it then
//   holds no unpublished number, so it cannot hold back the watermark it is waiting on) and
//   park in a timed loop until the orchestrator has drained (counted as back-pressure).
//   Nothing is ever dropped.

import { messageCodec, type CheckEvent } from '../../protocol/messages.ts';
import { realAtomics, type AtomicsLike } from '../../transport/atomics-like.ts';
import type { SabRing } from '../../transport/sab-ring.ts';
import { fail } from '../../util/errors.ts';
import { kLogBusy, kLogFloor, kLogFull } from './control-block.ts';
import { logTimeWord } from './layout.ts';

const TWO_POW_32 = 0x100000000;

export class CheckLogWriter {
  /** Times this worker waited for room in its log. */
  waits = 0;
  private busy = false;

  constructor(
    private readonly ring: SabRing,
    private readonly seq: Int32Array,
    private readonly control: Int32Array,
    private readonly atomics: AtomicsLike = realAtomics,
    private readonly waitMs = 1,
  ) {}

  emit(ev: CheckEvent, actor: number, timeNs: number): void {
    let at = this.ring.tryReserve();
    if (at < 0) at = this.waitForRoom();
    if (!this.busy) {
      this.atomics.store(this.control, kLogFloor, this.atomics.load(this.seq, 0));
      this.atomics.store(this.control, kLogBusy, 1);
      this.busy = true;
    }
    const slots = this.ring.slots;
    slots[at] = this.atomics.add(this.seq, 0, 1);
    messageCodec.encodeUnchecked(ev, slots, at + 1);
    slots[at + 1] = slots[at + 1]! | (actor << 16);
    slots[at + logTimeWord] = timeNs % TWO_POW_32;
    slots[at + logTimeWord + 1] = Math.floor(timeNs / TWO_POW_32);
  }

  /** End of a batch: make the events visible, then stop holding back the watermark. */
  publish(): void {
    this.ring.publish();
    if (this.busy) {
      this.atomics.store(this.control, kLogBusy, 0);
      this.busy = false;
    }
  }

  private waitForRoom(): number {
    this.publish();
    for (;;) {
      this.waits++;
      this.atomics.store(this.control, kLogFull, 1);
      this.atomics.wait(this.control, kLogFull, 1, this.waitMs);
      const at = this.ring.tryReserve();
      if (at >= 0) return at;
    }
  }
}

export interface LogSource {
  ring: Pick<SabRing, 'drain'>;
  control: Int32Array;
}

export type LogSink = (ev: CheckEvent, seq: number, actor: number, timeNs: number) => void;

/** A worker's events drained from its ring and not yet handed out: entries [head, head + count) of a circular buffer. */
interface Buffered {
  seqs: Int32Array;
  actors: Int32Array;
  times: Float64Array;
  /** Each entry's event in its codec words (messageCodec.slotWords a entry). */
  words: Int32Array;
  head: number;
  count: number;
}

const eventWords = messageCodec.slotWords;

export class CheckLogMerger {
  /** The next sequence number to hand out (wrapping 32-bit); the counter's value when the merger is made. */
  private next: number;
  private merged = 0;
  private readonly bufs: Buffered[];
  /** The buffer refill is copying into, for copyIn (bound once: no closure per refill). */
  private filling: Buffered | null = null;
  private readonly copyIn = (slots: Int32Array, at: number): void => {
    const b = this.filling!;
    let e = b.head + b.count;
    if (e >= this.bufferMax) e -= this.bufferMax;
    b.seqs[e] = slots[at]!;
    b.actors[e] = slots[at + 1]! >>> 16;
    b.times[e] = (slots[at + logTimeWord]! >>> 0) + (slots[at + logTimeWord + 1]! >>> 0) * TWO_POW_32;
    const to = e * eventWords;
    for (let w = 0; w < eventWords; w++) b.words[to + w] = slots[at + 1 + w]!;
    b.count++;
  };

  constructor(
    private readonly sources: readonly LogSource[],
    private readonly seq: Int32Array,
    private readonly sink: LogSink,
    private readonly atomics: AtomicsLike = realAtomics,
    private readonly bufferMax = 4096,
  ) {
    this.bufs = sources.map(() => ({
      seqs: new Int32Array(bufferMax),
      actors: new Int32Array(bufferMax),
      times: new Float64Array(bufferMax),
      words: new Int32Array(bufferMax * eventWords),
      head: 0,
      count: 0,
    }));
    this.next = atomics.load(seq, 0);
  }

  /** Events handed to the sink so far. */
  get count(): number {
    return this.merged;
  }

  /** Hand out every event provably complete now; returns how many. */
  pump(): number {
    const a = this.atomics;
    const next = this.next;
    let room = (a.load(this.seq, 0) - next) | 0;
    for (const s of this.sources) {
      if (a.load(s.control, kLogBusy) === 1) room = Math.min(room, (a.load(s.control, kLogFloor) - next) | 0);
    }
    for (let i = 0; i < this.sources.length; i++) this.refill(i);
    let n = 0;
    while (n < room) {
      let best = -1;
      let bestSeq = 0;
      for (let i = 0; i < this.bufs.length; i++) {
        const b = this.bufs[i]!;
        if (b.count === 0) continue;
        const d = (b.seqs[b.head]! - this.next) | 0;
        if (best < 0 || d < bestSeq) {
          best = i;
          bestSeq = d;
        }
      }
      if (best < 0 || bestSeq !== 0) {
        fail(
          'FAULTLINE_CHECK_LOG_ORDER',
          `check event ${this.next >>> 0} is below the watermark but in no log ` + `(${best < 0 ? 'every log is empty' : `the lowest one holds ${(this.next + bestSeq) >>> 0}`})`,
        );
      }
      // A worker's pass takes its numbers one after another, so the next few are often in the
      // same buffer: hand them out without looking at the other buffers again.
      const b = this.bufs[best]!;
      do {
        const h = b.head;
        b.head = h + 1 === this.bufferMax ? 0 : h + 1;
        b.count--;
        this.sink(messageCodec.decode(b.words, h * eventWords) as CheckEvent, b.seqs[h]! >>> 0, b.actors[h]!, b.times[h]!);
        this.next = (this.next + 1) | 0;
        this.merged++;
        n++;
      } while (n < room && b.count > 0 && b.seqs[b.head] === this.next);
      if (b.count === 0) this.refill(best);
    }
    return n;
  }

  private refill(i: number): void {
    const b = this.bufs[i]!;
    const want = this.bufferMax - b.count;
    if (want <= 0) return;
    const src = this.sources[i]!;
    this.filling = b;
    const got = src.ring.drain(want, this.copyIn);
    if (got > 0 && this.atomics.load(src.control, kLogFull) === 1) {
      this.atomics.store(src.control, kLogFull, 0);
      this.atomics.notify(src.control, kLogFull);
    }
  }
}
