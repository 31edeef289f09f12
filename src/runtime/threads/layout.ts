// Where everything of a threaded run lives in its one SharedArrayBuffer: a ring per
// channel, per worker an eventfd, a control block and (with the checker on) a check-event
// log ring, one word holding the run's check-event sequence counter and (when recording)
// one word holding the recorder's batch counter. Regions are
// 64-byte aligned so two threads' hot words never share a cache line.

import { messageCodec } from '../../protocol/messages.ts';
import { eventFdBytes } from '../../transport/eventfd.ts';
import { ringBytes } from '../../transport/sab-ring.ts';
import { resolveTopology, type ResolvedTopology, type Topology } from '../../actor/topology.ts';
import { controlBytes } from './control-block.ts';

export interface ChannelLayout {
  index: number;
  name: string;
  from: number;
  to: number;
  fromWorker: number;
  toWorker: number;
  capacity: number;
  slotWords: number;
  ringOffset: number;
}

export interface WorkerLayout {
  index: number;
  group: string;
  actors: number[];
  eventFdOffset: number;
  controlOffset: number;
  /** The worker's check-event log ring (producer: the worker, consumer: the orchestrator); -1 with the checker off. */
  logOffset: number;
}

/**
 * A check-log slot: the sequence number, the event as a message (tag word's high half: the
 * actor index), then the emitting step's run time in ns as two words (low 32 bits, high).
 */
export const logSlotWords = messageCodec.slotWords + 3;
export const logTimeWord = messageCodec.slotWords + 1;
export const logCapacityDefault = 16384;

export interface MemoryLayout {
  name: string;
  words: number;
  offset: number;
}

export interface RunLayout {
  sabBytes: number;
  memories: MemoryLayout[];
  channels: ChannelLayout[];
  workers: WorkerLayout[];
  /** Worker index of each actor. */
  actorWorker: number[];
  /** The check-event sequence counter (one Int32 word); -1 with the checker off. */
  seqOffset: number;
  logCapacity: number;
  /** The recorder's batch counter (one Int32 word on its own cache line; src/runtime/record/recorder.ts); -1 when not recording. */
  recordBatchOffset: number;
}

export interface LayoutOptions {
  /** Give every worker a check-event log of this many slots (a power of two); 0: checker off. */
  logCapacity?: number;
  /** Reserve the recorder's batch counter. */
  record?: boolean;
}

const align = (n: number): number => Math.ceil(n / 64) * 64;

export function layoutRun(topo: ResolvedTopology, options: LayoutOptions = {}): RunLayout {
  const logCapacity = options.logCapacity ?? 0;
  const groups = new Map<string, number[]>();
  topo.actors.forEach((a, i) => {
    const g = a.group ?? `actor:${a.name}`;
    const list = groups.get(g) ?? [];
    list.push(i);
    groups.set(g, list);
  });
  let offset = 0;
  const actorWorker = new Array<number>(topo.actors.length).fill(-1);
  const workers: WorkerLayout[] = [...groups.entries()].map(([group, actors], index) => {
    for (const a of actors) actorWorker[a] = index;
    const eventFdOffset = offset;
    offset = align(offset + eventFdBytes);
    const controlOffset = offset;
    offset = align(offset + controlBytes);
    let logOffset = -1;
    if (logCapacity > 0) {
      logOffset = offset;
      offset = align(offset + ringBytes(logCapacity, logSlotWords));
    }
    return { index, group, actors, eventFdOffset, controlOffset, logOffset };
  });
  let seqOffset = -1;
  if (logCapacity > 0) {
    seqOffset = offset;
    offset = align(offset + 4);
  }
  let recordBatchOffset = -1;
  if (options.record) {
    recordBatchOffset = offset;
    offset = align(offset + 4);
  }
  const channels = topo.channels.map((c): ChannelLayout => {
    const ringOffset = offset;
    offset = align(offset + ringBytes(c.capacity, c.slotWords));
    return {
      index: c.index,
      name: c.name,
      from: c.from,
      to: c.to,
      fromWorker: actorWorker[c.from]!,
      toWorker: actorWorker[c.to]!,
      capacity: c.capacity,
      slotWords: c.slotWords,
      ringOffset,
    };
  });
  const memories = topo.memories.map((m): MemoryLayout => {
    const at = offset;
    offset = align(offset + m.words * 4);
    return { name: m.name, words: m.words, offset: at };
  });
  return { sabBytes: offset, memories, channels, workers, actorWorker, seqOffset, logCapacity, recordBatchOffset };
}

/** The worker (0-based, as layoutRun numbers them) each actor of a topology runs on. */
export function workerPlacement(topology: Topology): { actor: string; worker: number }[] {
  const { actorWorker } = layoutRun(resolveTopology(topology));
  return topology.actors.map((a, i) => ({ actor: a.name, worker: actorWorker[i]! }));
}
