// The per-worker step stream of a recording: one record per actor step, in the order the
// worker took them. A record is
//
//   header byte   bits 0-1 kind (0 channel message, 1 timer, 2 sys.writable, 3 sys.start),
//                 bit 2 the step read the clock, bit 3 some sends were refused,
//                 bit 4 the step read shared memory; bits 5-6 the number of sends the step
//                 made (accepted or refused) when below 3, else 3 and the number follows; bit 7 zero
//   source        varint: the channel index (message, sys.writable) or the actor index (timer, start)
//   [sends]       varint, only when bits 5-6 are 3
//   batch delta   varint: the step's batch number minus that of the worker's previous step (0:
//                 the same batch; the first step counts from -1). Batch numbers come from one
//                 shared counter (recorder.ts says when a worker takes one)
//   [now delta]   zigzag varint: the step's ctx.now() minus the worker's previous recorded one
//   [mem reads]   varint: how many words the step loaded; the values are in the worker's mem
//                 stream, one varint each (unsigned 32-bit), in load order
//   [refusals]    varint count, then the 0-based ordinal (among the step's sends) of each refused send
//
// StepWriter and StepReader own this layout; the recorder and the replay never touch bytes.

import { fail } from '../../util/errors.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';

export const kindChannel = 0;
export const kindTimer = 1;
export const kindWritable = 2;
export const kindStart = 3;
export const kindNames = ['message', 'timer', 'sys.writable', 'sys.start'] as const;

const fNow = 4;
const fRefusals = 8;
const fMem = 16;
const sendsShift = 5;
const sendsInline = 3;

export interface StepRecord {
  kind: number;
  source: number;
  /** The global batch number; steps of one batch are consecutive steps of one worker. */
  batch: number;
  /** -1: the step never read the clock. */
  nowNs: number;
  refusedSends: number[];
  memReads: number;
  /** Sends the step made, accepted or refused. */
  sends: number;
}

export function emptyStep(): StepRecord {
  return { kind: 0, source: 0, batch: 0, nowNs: -1, refusedSends: [], memReads: 0, sends: 0 };
}

export class StepWriter {
  private prevBatch = -1;
  private prevNowNs = 0;

  constructor(private readonly out: ByteWriter) {}

  write(kind: number, source: number, batch: number, nowNs: number, sends: number, refusedSends: readonly number[], memReads: number): void {
    const o = this.out;
    // At most 7 values of at most 10 bytes each besides the refusals: one room check per record.
    o.reserve(70);
    const sendsBits = Math.min(sends, sendsInline) << sendsShift;
    o.uintUnchecked(kind | (nowNs >= 0 ? fNow : 0) | (refusedSends.length > 0 ? fRefusals : 0) | (memReads > 0 ? fMem : 0) | sendsBits);
    o.uintUnchecked(source);
    if (sends >= sendsInline) o.uintUnchecked(sends);
    o.uintUnchecked(batch - this.prevBatch);
    this.prevBatch = batch;
    if (nowNs >= 0) {
      const d = nowNs - this.prevNowNs;
      o.uintUnchecked(d >= 0 ? d * 2 : -d * 2 - 1);
      this.prevNowNs = nowNs;
    }
    if (memReads > 0) o.uintUnchecked(memReads);
    if (refusedSends.length > 0) {
      o.uint(refusedSends.length);
      for (const r of refusedSends) o.uint(r);
    }
  }
}

export class StepReader {
  private prevBatch = -1;
  private prevNowNs = 0;

  constructor(private readonly input: ByteReader) {}

  get done(): boolean {
    return this.input.done;
  }

  /** Reads the next record into `rec`; false at the end of the stream. */
  next(rec: StepRecord): boolean {
    const i = this.input;
    if (i.done) return false;
    const header = i.uint();
    if (header > 127) fail('FAULTLINE_RECORD_CORRUPT', `step header ${header} has unknown bits (byte ${i.offset})`);
    rec.kind = header & 3;
    rec.source = i.uint();
    rec.sends = header >>> sendsShift;
    if (rec.sends === sendsInline) rec.sends = i.uint();
    rec.batch = this.prevBatch + i.uint();
    if (rec.batch < 0) fail('FAULTLINE_RECORD_CORRUPT', `the first step of a worker has no batch number (byte ${i.offset})`);
    this.prevBatch = rec.batch;
    rec.nowNs = -1;
    if ((header & fNow) !== 0) {
      rec.nowNs = this.prevNowNs + i.int();
      this.prevNowNs = rec.nowNs;
    }
    rec.memReads = (header & fMem) !== 0 ? i.uint() : 0;
    rec.refusedSends.length = 0;
    if ((header & fRefusals) !== 0) {
      const n = i.uint();
      for (let k = 0; k < n; k++) rec.refusedSends.push(i.uint());
    }
    return true;
  }
}
