// A bounded sampler of (ghost id, time) stamps at one point of the fault path, for per-hop
// latency. Only groups whose ghost id is a multiple of `sampleEvery` are stamped, into a
// circular buffer of `capacity` entries: memory stays flat however long the run, and the
// buffer holds the most recent sampled groups. Plain data (number arrays, filled up to
// `capacity` and then overwritten in place), so it lives in actor state, crosses threads by
// structured clone and writes as JSON arrays. Pure: tiers import it.
//
// Ghost 0 means "no ghost" (test fixtures; the device numbers groups from 1) and is never
// stamped.

export interface HopStamps {
  capacity: number;
  sampleEvery: number;
  /** Sampled ghost ids; slot i pairs with ns[i]. At most `capacity` long. */
  ghosts: number[];
  ns: number[];
  /** Next slot to write once the buffer is full (the oldest entry). */
  next: number;
  /** Stamps recorded over the run (including those since overwritten). */
  stamped: number;
}

export function createHopStamps(capacity = 2048, sampleEvery = 16): HopStamps {
  if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`hop stamps: capacity ${capacity} < 1`);
  if (!(Number.isInteger(sampleEvery) && sampleEvery >= 1)) throw new RangeError(`hop stamps: sampleEvery ${sampleEvery} < 1`);
  return { capacity, sampleEvery, ghosts: [], ns: [], next: 0, stamped: 0 };
}

/** Whether `ghost` is one of the sampled groups. */
export function sampled(h: HopStamps, ghost: number): boolean {
  return ghost !== 0 && ghost % h.sampleEvery === 0;
}

/** Record that the group `ghost` passed this point at `nowNs`, when it is sampled. */
export function stamp(h: HopStamps, ghost: number, nowNs: number): void {
  if (!sampled(h, ghost)) return;
  h.stamped++;
  if (h.ghosts.length < h.capacity) {
    h.ghosts.push(ghost);
    h.ns.push(nowNs);
    return;
  }
  h.ghosts[h.next] = ghost;
  h.ns[h.next] = nowNs;
  h.next = (h.next + 1) % h.capacity;
}

/** Stamps in the order they were recorded, oldest first, as (ghost, ns) pairs. */
export function stampsInOrder(h: HopStamps): [number, number][] {
  const out: [number, number][] = [];
  const n = h.ghosts.length;
  const start = n < h.capacity ? 0 : h.next;
  for (let i = 0; i < n; i++) {
    const j = (start + i) % n;
    out.push([h.ghosts[j]!, h.ns[j]!]);
  }
  return out;
}
