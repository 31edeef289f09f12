// The ceiling for the threaded chain: the very same chain actors run in one thread, with
// ctx.send pushing onto one FIFO and a loop calling step — plain function calls, no rings,
// no scheduler, no workers.

import type { ActorCtx, AnyActorDef, Inbound } from '../src/actor/define.ts';
import type { Topology } from '../src/actor/topology.ts';
import { resolveTopology } from '../src/actor/topology.ts';
import { createRng, rngStateFrom } from '../src/util/rng.ts';

export interface DirectRunResult {
  wallMs: number;
  steps: number;
  stats: Record<string, unknown>[];
}

export function runDirect(topology: Topology): DirectRunResult {
  const topo = resolveTopology(topology);
  const defs: AnyActorDef[] = topo.actors.map((a) => a.def);
  const states = topo.actors.map((a) => a.def.init(a.config, a.name));
  const queueActor: number[] = [];
  const queueMsg: Inbound[] = [];
  let head = 0;
  const t0 = performance.now();
  const ctxs: ActorCtx[] = topo.actors.map((a, i) => ({
    self: a.name,
    rng: createRng(rngStateFrom(1, i + 1)),
    now: () => Math.round((performance.now() - t0) * 1e6),
    mark: () => undefined,
    check: () => undefined,
    assert(cond, code) {
      if (!cond) throw new Error(code);
    },
    timer: () => {
      throw new Error('no timers in the direct chain');
    },
    mem: () => {
      throw new Error('no memory in the direct chain');
    },
    send(channel, msg) {
      const c = topo.channels[topo.channelIndex.get(channel)!]!;
      queueActor.push(c.to);
      queueMsg.push(msg);
      return true;
    },
  }));
  for (let i = 0; i < defs.length; i++) defs[i]!.step(states[i], { type: 'sys.start' }, ctxs[i]!);
  let steps = 0;
  while (head < queueActor.length) {
    const a = queueActor[head]!;
    const m = queueMsg[head]!;
    head++;
    if (head > 65536) {
      queueActor.splice(0, head);
      queueMsg.splice(0, head);
      head = 0;
    }
    defs[a]!.step(states[a], m, ctxs[a]!);
    steps++;
  }
  return { wallMs: performance.now() - t0, steps, stats: defs.map((d, i) => d.stats?.(states[i]) ?? {}) };
}
