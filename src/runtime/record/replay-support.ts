// The exact replay's check that the topology rebuilt today is the recorded one. (Replayed
// channels are unbounded FIFOs, src/util/fifo.ts: a channel may briefly hold more than its
// ring's capacity, since on threads the receiver freed the slot before it took its step number.)

import { FaultlineError } from '../../util/errors.ts';
import type { ResolvedTopology } from '../../actor/topology.ts';
import type { RecordedTopology } from './recording.ts';

export function checkTopology(topo: ResolvedTopology, rec: RecordedTopology): void {
  const now = describe({
    actors: topo.actors.map((a) => ({ name: a.name, kind: a.def.kind })),
    channels: topo.channels.map((c) => ({ name: c.name, from: c.from, to: c.to, capacity: c.capacity })),
    memories: topo.memories.map((m) => ({ name: m.name, words: m.words })),
  });
  const then = describe({
    actors: rec.actors.map((a) => ({ name: a.name, kind: a.kind })),
    channels: rec.channels,
    memories: rec.memories,
  });
  for (let i = 0; i < Math.max(now.length, then.length); i++) {
    if (now[i] !== then[i]) {
      throw new FaultlineError(
        'FAULTLINE_REPLAY_DIVERGED',
        `before step 0: the topology differs from the recorded one: recorded ${then[i] ?? 'nothing'}, now ${now[i] ?? 'nothing'}; the recording was made with other code or another scenario`,
      );
    }
  }
}

function describe(t: { actors: { name: string; kind: string }[]; channels: RecordedTopology['channels']; memories: RecordedTopology['memories'] }): string[] {
  return [
    ...t.actors.map((a, i) => `actor #${i} '${a.name}' (${a.kind})`),
    ...t.channels.map((c, i) => `channel #${i} '${c.name}' ${c.from}->${c.to} capacity ${c.capacity}`),
    ...t.memories.map((m) => `memory '${m.name}' of ${m.words} words`),
  ];
}
