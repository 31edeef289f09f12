// A topology names the actors of a run and the one-way channels between them. Both
// runtimes take the same topology; validation here gives every mistake one clear message.

import type { AnyActorDef } from './define.ts';
import { messageCodec } from '../protocol/messages.ts';
import { asDistribution, distributionKinds, type Distribution } from '../util/distribution.ts';
import { fail } from '../util/errors.ts';

export interface ActorSpec {
  name: string;
  def: AnyActorDef;
  /** Passed to def.init; must survive structuredClone (it crosses to a worker). */
  config?: unknown;
  /**
   * Simulator only: virtual time one step of this actor takes (its service cost), a number or a
   * distribution drawn per delivery. The actor is a single server: it takes its next message
   * when the cost has passed, and what the step sends leaves at the end of it.
   */
  serviceNs?: number | Distribution;
  /** Simulator only: the service cost of a delivery of a given message type (`prq.desc`), before the channel's and the actor's. */
  serviceByType?: Readonly<Record<string, number | Distribution>>;
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
  /**
   * Simulator only: virtual delay from send to deliverable, a number or a distribution drawn per
   * message. A channel stays FIFO (a ring): a message never becomes deliverable before the one
   * sent ahead of it on the same channel.
   */
  latencyNs?: number | Distribution;
  /** Simulator only: the receiver's service cost for a message from this channel, instead of its actor's serviceNs. */
  serviceNs?: number | Distribution;
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

export interface ResolvedChannel extends Required<Omit<ChannelSpec, 'from' | 'to' | 'latencyNs' | 'serviceNs'>> {
  index: number;
  from: number;
  to: number;
  latency: Distribution;
  /** null: the receiving actor's serviceNs applies. */
  service: Distribution | null;
}

export interface ResolvedTopology {
  actors: ActorSpec[];
  channels: ResolvedChannel[];
  memories: MemorySpec[];
  actorIndex: Map<string, number>;
  channelIndex: Map<string, number>;
}

export const defaultLatencyNs = 1000;

/** A timing of a topology (a number ≥ 0 or a distribution) as a Distribution; a programmer error otherwise. */
function timing(v: number | Distribution, where: string): Distribution {
  const d = asDistribution(v);
  if (typeof d !== 'object' || d === null || !(distributionKinds as readonly string[]).includes(d.dist)) {
    fail('FAULTLINE_TOPOLOGY', `${where} must be a number >= 0 or a distribution, got ${JSON.stringify(v)}`);
  }
  if (d.dist === 'fixed' && !(d.value >= 0)) fail('FAULTLINE_TOPOLOGY', `${where} must be a number >= 0, got ${d.value}`);
  return d;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function resolveTopology(t: Topology): ResolvedTopology {
  if (t.actors.length === 0) fail('FAULTLINE_TOPOLOGY', 'a topology needs at least one actor');
  const actorIndex = new Map<string, number>();
  t.actors.forEach((a, i) => {
    if (!a.name) fail('FAULTLINE_TOPOLOGY', `actor #${i} has no name`);
    if (actorIndex.has(a.name)) fail('FAULTLINE_TOPOLOGY', `two actors are named '${a.name}'; names must be unique`);
    if (a.serviceNs !== undefined) timing(a.serviceNs, `actor '${a.name}': serviceNs`);
    for (const [type, v] of Object.entries(a.serviceByType ?? {})) timing(v, `actor '${a.name}': serviceByType['${type}']`);
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
    const latency = timing(c.latencyNs ?? defaultLatencyNs, `${where}: latencyNs`);
    const service = c.serviceNs === undefined ? null : timing(c.serviceNs, `${where}: serviceNs`);
    channelIndex.set(c.name, index);
    return { index, name: c.name, from, to, capacity: c.capacity, slotWords, latency, service };
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
