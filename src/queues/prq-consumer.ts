// The consumer side of a VT-d page request queue (the IRQ thread of intel/prq.c), written
// once and used twice: by the host driver (PRQ, mmio.*) and by the guest driver (vPRQ,
// vmmio.*). It owns the consumer's head, the descriptors that arrived but were not consumed,
// and the round: clear PPR, read PQT, hand head..tail to the caller as one batch, write
// PQH = tail once, read PRS; on PRO re-read PQH/PQT and clear PRO only when the queue is
// empty, discarding partial groups first (R4 fix, reference §3.1).
// Pure plain data; the caller supplies a sink that sends register messages and handles
// descriptors, so responses produced while handling a batch go out before the PQH write.

import type { Message } from '../protocol/messages.ts';
import { prsBit, vtdReg } from '../protocol/iopf.ts';
import type { Words4 } from '../protocol/layouts.ts';
import { append } from '../util/append.ts';
import { fail } from '../util/errors.ts';

/** Register message names: mmio.* for the host, vmmio.* for the guest. */
export interface PrqRegisterNames {
  write: 'mmio.write' | 'vmmio.write';
  read: 'mmio.read' | 'vmmio.read';
}

export const hostPrqRegisters: PrqRegisterNames = { write: 'mmio.write', read: 'mmio.read' };
export const guestPrqRegisters: PrqRegisterNames = { write: 'vmmio.write', read: 'vmmio.read' };

export interface PrqDescriptor extends Words4 {
  ghost: number;
}

/** idle → tail (PQT read out) → status (PRS read out) → recheck (PQH and PQT re-read after PRO) → idle. */
export type PrqConsumerPhase = 'idle' | 'tail' | 'status' | 'recheck';

export interface PrqConsumerState {
  entries: number;
  names: PrqRegisterNames;
  /** The R4 bug: clear PRO right after a batch, without checking that the queue is empty. */
  clearProEarly: boolean;
  /** Our PQH (descriptor index). */
  head: number;
  /** Descriptors that arrived, in ring order starting at `head`. */
  arrived: PrqDescriptor[];
  phase: PrqConsumerPhase;
  /** Tag of the register read the current phase waits for (recheck: the PQT read). */
  awaitTag: number;
  nextTag: number;
  /** Tag of the recheck's PQH read, and its value (-1 until it arrives). */
  recheckHeadTag: number;
  recheckHead: number;
  /** An interrupt arrived during a round: run another round after this one (threaded IRQ re-run). */
  irqPending: boolean;
  stats: PrqConsumerStats;
}

export interface PrqConsumerStats {
  irqs: number;
  irqsDuringRound: number;
  rounds: number;
  batches: number;
  emptyBatches: number;
  descriptors: number;
  batchMax: number;
  overflowsSeen: number;
  overflowsCleared: number;
  overflowsKeptNotEmpty: number;
  partialDiscards: number;
  readResultsUnexpected: number;
}

/** The consumer's figures both drivers (host IRQ thread, guest driver) report in their tier stats. */
export function prqConsumerReport(p: PrqConsumerStats) {
  return {
    batches: p.batches,
    descriptors: p.descriptors,
    batchMax: p.batchMax,
    irqs: p.irqs,
    overflowsSeen: p.overflowsSeen,
    overflowsCleared: p.overflowsCleared,
    overflowsKeptNotEmpty: p.overflowsKeptNotEmpty,
  };
}

/** What the caller provides to one consumer call: outbound register messages and batch handling. */
export interface PrqConsumerSink {
  send(msg: Message): void;
  /** One descriptor of the batch, in ring order. */
  descriptor(d: PrqDescriptor): void;
  /** Before PRO is cleared: the last request of partial groups may have been lost. */
  discardPartials(): void;
}

export function createPrqConsumer(entries: number, names: PrqRegisterNames, clearProEarly: boolean): PrqConsumerState {
  if (!(Number.isInteger(entries) && entries >= 2 && (entries & (entries - 1)) === 0)) {
    fail('FAULTLINE_PRQ_ENTRIES', `PRQ entries must be a power of two >= 2, got ${entries}`);
  }
  return {
    entries,
    names,
    clearProEarly,
    head: 0,
    arrived: [],
    phase: 'idle',
    awaitTag: 0,
    nextTag: 1,
    recheckHeadTag: 0,
    recheckHead: -1,
    irqPending: false,
    stats: {
      irqs: 0,
      irqsDuringRound: 0,
      rounds: 0,
      batches: 0,
      emptyBatches: 0,
      descriptors: 0,
      batchMax: 0,
      overflowsSeen: 0,
      overflowsCleared: 0,
      overflowsKeptNotEmpty: 0,
      partialDiscards: 0,
      readResultsUnexpected: 0,
    },
  };
}

/** A descriptor written by the producer: buffered until a PQT read covers it. */
export function prqConsumerDescriptor(q: PrqConsumerState, d: PrqDescriptor): void {
  // The producer never holds more than entries - 1 descriptors past our PQH.
  if (q.arrived.length >= q.entries - 1) {
    fail('FAULTLINE_PRQ_CONSUMER_OVERRUN', `${q.arrived.length + 1} descriptors past PQH in a ${q.entries}-entry queue`);
  }
  append(q.arrived, { w0: d.w0, w1: d.w1, w2: d.w2, w3: d.w3, ghost: d.ghost });
}

export function prqConsumerIrq(q: PrqConsumerState, sink: PrqConsumerSink): void {
  q.stats.irqs++;
  if (q.phase !== 'idle') {
    q.stats.irqsDuringRound++;
    q.irqPending = true;
    return;
  }
  startRound(q, sink);
}

/** A register read result; results not awaited (stale tags) are counted and ignored. */
export function prqConsumerReadResult(q: PrqConsumerState, reg: number, tag: number, value: number, sink: PrqConsumerSink): void {
  if (q.phase === 'tail' && tag === q.awaitTag && reg === vtdReg.PQT) return finishBatch(q, value, sink);
  if (q.phase === 'status' && tag === q.awaitTag && reg === vtdReg.PRS) return onStatus(q, value, sink);
  if (q.phase === 'recheck' && tag === q.recheckHeadTag && reg === vtdReg.PQH) {
    q.recheckHead = value;
    return;
  }
  if (q.phase === 'recheck' && tag === q.awaitTag && reg === vtdReg.PQT && q.recheckHead >= 0) return onRecheck(q, q.recheckHead, value, sink);
  q.stats.readResultsUnexpected++;
}

/** Work owed: descriptors not consumed yet, plus a round in progress. */
export function prqConsumerPending(q: PrqConsumerState): number {
  return q.arrived.length + (q.phase === 'idle' ? 0 : 1);
}

function startRound(q: PrqConsumerState, sink: PrqConsumerSink): void {
  q.stats.rounds++;
  // Clear PPR before reading the tail: a descriptor written after this raises a new event.
  sink.send({ type: q.names.write, reg: vtdReg.PRS, value: prsBit.PPR } as Message);
  q.phase = 'tail';
  q.awaitTag = read(q, vtdReg.PQT, sink);
}

function finishBatch(q: PrqConsumerState, tailRaw: number, sink: PrqConsumerSink): void {
  const tail = (tailRaw >>> 0) & (q.entries - 1);
  const n = (tail - q.head + q.entries) % q.entries;
  // FIFO: the PQT read result follows every descriptor up to that tail on the same channel.
  if (n > q.arrived.length) {
    fail('FAULTLINE_PRQ_CONSUMER_FIFO', `PQT ${tail} covers ${n} descriptors past PQH ${q.head}, only ${q.arrived.length} arrived`);
  }
  const batch = takeBatch(q.arrived, n);
  q.stats.batches++;
  if (n === 0) q.stats.emptyBatches++;
  q.stats.descriptors += n;
  if (n > q.stats.batchMax) q.stats.batchMax = n;
  for (let i = 0; i < n; i++) sink.descriptor(batch[i]!);
  giveBatch(batch);
  q.head = tail;
  sink.send({ type: q.names.write, reg: vtdReg.PQH, value: tail } as Message);
  q.phase = 'status';
  q.awaitTag = read(q, vtdReg.PRS, sink);
}

/**
 * The spare batch list, reused from one batch to the next (issue 9: `splice` made a new array per
 * batch and the `for…of` over it an iterator, about 50 bytes a fault). A batch runs no other
 * batch while it hands out descriptors (the next PQT read answer is a later message), but a
 * nested one would get a list of its own.
 */
let spareBatch: PrqDescriptor[] | null = [];

/**
 * The first `n` descriptors of `arrived`, moved into the spare batch list: `arrived` no longer
 * holds them before the first is handed out, as after `splice(0, n)`.
 */
function takeBatch(arrived: PrqDescriptor[], n: number): PrqDescriptor[] {
  const batch = spareBatch ?? [];
  spareBatch = null;
  for (let i = 0; i < n; i++) append(batch, arrived[i]!);
  const left = arrived.length - n;
  for (let i = 0; i < left; i++) arrived[i] = arrived[i + n]!;
  while (arrived.length > left) arrived.pop();
  return batch;
}

/** The batch list back as the spare, emptied with pop(), which keeps its backing store. */
function giveBatch(batch: PrqDescriptor[]): void {
  while (batch.length > 0) batch.pop();
  spareBatch = batch;
}

function onStatus(q: PrqConsumerState, prs: number, sink: PrqConsumerSink): void {
  if ((prs & prsBit.PRO) === 0) return endRound(q, sink);
  q.stats.overflowsSeen++;
  if (q.clearProEarly) {
    // Pre-28a77185f1cd: cleared at once; requests that arrived since our tail read are hidden.
    q.stats.overflowsCleared++;
    sink.send({ type: q.names.write, reg: vtdReg.PRS, value: prsBit.PRO } as Message);
    return endRound(q, sink);
  }
  q.phase = 'recheck';
  q.recheckHead = -1;
  q.recheckHeadTag = read(q, vtdReg.PQH, sink);
  q.awaitTag = read(q, vtdReg.PQT, sink);
}

function onRecheck(q: PrqConsumerState, headRaw: number, tailRaw: number, sink: PrqConsumerSink): void {
  const mask = q.entries - 1;
  if (((headRaw >>> 0) & mask) === ((tailRaw >>> 0) & mask)) {
    q.stats.partialDiscards++;
    sink.discardPartials();
    q.stats.overflowsCleared++;
    sink.send({ type: q.names.write, reg: vtdReg.PRS, value: prsBit.PRO } as Message);
  } else {
    q.stats.overflowsKeptNotEmpty++;
  }
  endRound(q, sink);
}

function endRound(q: PrqConsumerState, sink: PrqConsumerSink): void {
  q.phase = 'idle';
  q.awaitTag = 0;
  q.recheckHeadTag = 0;
  q.recheckHead = -1;
  if (q.irqPending) {
    q.irqPending = false;
    startRound(q, sink);
  }
}

function read(q: PrqConsumerState, reg: number, sink: PrqConsumerSink): number {
  const tag = q.nextTag;
  q.nextTag = (q.nextTag + 1) >>> 0 || 1;
  sink.send({ type: q.names.read, reg, tag } as Message);
  return tag;
}
