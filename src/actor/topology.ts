// A topology names the actors of a run and the one-way channels between them. Both
// runtimes take the same topology; validation here gives every mistake one clear message.

import type { AnyActorDef } from './define.ts';
import { messageCodec } from '../protocol/messages.ts';
import { fail } from '../util/errors.ts';

export interface ActorSpec {
  name: string;
  def: AnyActorDef;
  /** Passed to def.init; must survive structuredClone (it crosses to a worker). */
  config?: unknown;
  /** Simulator only: virtual time one step of this actor takes (service time). */
  serviceNs?: number;
  /** Threads only: actors with the same group share one worker. Default: one worker each. */
  group?: string;
}

export interface ChannelSpec {
  name: string;
  from: string;
  to: string;
  /** Slots; a power of two. */
  capacity: number;
  /** Slot width in 32-bit words; default: the widest message. */
  slotWords?: number;
  /** Simulator only: virtual delay from send to deliverable. */
  latencyNs?: number;
}

export interface MemorySpec {
  name: string;
  /** Size in 32-bit words. */
  words: number;
}

export interface Topology {
  actors: ActorSpec[];
  channels: ChannelSpec[];
  /** Shared memory regions actors reach through ctx.mem(name). */
  memories?: MemorySpec[];
}

export interface ResolvedChannel extends Required<Omit<ChannelSpec, 'from' | 'to'>> {
  index: number;
  from: number;
  to: number;
}

export interface ResolvedTopology {
  actors: ActorSpec[];
  channels: ResolvedChannel[];
  memories: MemorySpec[];
  actorIndex: Map<string, number>;
  channelIndex: Map<string, number>;
}

export const defaultLatencyNs = 1000;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function resolveTopology(t: Topology): ResolvedTopology {
  if (t.actors.length === 0) fail('FAULTLINE_TOPOLOGY', 'a topology needs at least one actor');
  const actorIndex = new Map<string, number>();
  t.actors.forEach((a, i) => {
    if (!a.name) fail('FAULTLINE_TOPOLOGY', `actor #${i} has no name`);
    if (actorIndex.has(a.name)) fail('FAULTLINE_TOPOLOGY', `two actors are named '${a.name}'; names must be unique`);
    if (a.serviceNs !== undefined && !(a.serviceNs >= 0)) {
      fail('FAULTLINE_TOPOLOGY', `actor '${a.name}': serviceNs must be a number >= 0, got ${a.serviceNs}`);
    }
    actorIndex.set(a.name, i);
  });
  const channelIndex = new Map<string, number>();
  const channels = t.channels.map((c, index): ResolvedChannel => {
    const where = `channel '${c.name}'`;
    if (channelIndex.has(c.name)) fail('FAULTLINE_TOPOLOGY', `two channels are named '${c.name}'; names must be unique`);
    const from = actorIndex.get(c.from);
    const to = actorIndex.get(c.to);
    if (from === undefined) fail('FAULTLINE_TOPOLOGY', `${where}: unknown sender '${c.from}' (actors: ${[...actorIndex.keys()].join(', ')})`);
    if (to === undefined) fail('FAULTLINE_TOPOLOGY', `${where}: unknown receiver '${c.to}' (actors: ${[...actorIndex.keys()].join(', ')})`);
    if (!isPowerOfTwo(c.capacity)) fail('FAULTLINE_TOPOLOGY', `${where}: capacity must be a power of two, got ${c.capacity}`);
    const slotWords = c.slotWords ?? messageCodec.slotWords;
    if (!Number.isInteger(slotWords) || slotWords < messageCodec.slotWords) {
      fail('FAULTLINE_TOPOLOGY', `${where}: slotWords ${slotWords} is narrower than the widest message (${messageCodec.slotWords} words)`);
    }
    const latencyNs = c.latencyNs ?? defaultLatencyNs;
    if (!(latencyNs >= 0)) fail('FAULTLINE_TOPOLOGY', `${where}: latencyNs must be >= 0, got ${latencyNs}`);
    channelIndex.set(c.name, index);
    return { index, name: c.name, from, to, capacity: c.capacity, slotWords, latencyNs };
  });
  const memories = t.memories ?? [];
  const memNames = new Set<string>();
  for (const m of memories) {
    if (memNames.has(m.name)) fail('FAULTLINE_TOPOLOGY', `two memory regions are named '${m.name}'`);
    if (!Number.isInteger(m.words) || m.words < 1 || m.words > 2 ** 28) {
      fail('FAULTLINE_TOPOLOGY', `memory '${m.name}': words must be a whole number in 1..2^28, got ${m.words}`);
    }
    memNames.add(m.name);
  }
  return { actors: t.actors, channels, memories, actorIndex, channelIndex };
}
