// Causal chains: a violation's causal slice. The last few events of each group are kept per
// ghost id in a small ring, and the translation events (DMA uses, completed invalidations) per
// page of an address space, so a violation shows the events that touched its own groups or
// its own page, oldest first, capped per group or page (by relevance), never the last events
// of the whole run. A group's ring moves to a bounded window of recently finished groups when
// the device is done with it, and page rings are bounded too (the oldest page's history is let
// go first), so memory follows what is in flight, not the length of the run.
//
// The rings are typed arrays, each event kept encoded in its codec words (the threaded
// runtime's check log does the same) and decoded only when a violation asks for its chain: an
// event object held for thousands of later events survives the young generation and is copied
// and promoted, which cost the simulator more than the checker's own logic (issue 9). An entry
// is one row of one buffer (order, seq and time as doubles, then the actor and the event's
// words as int32s, seen through two views), so keeping an event writes one or two cache lines,
// not one per column: in the simulator the actors' work between two check events evicts the
// checker's tables, and each line touched is a miss (issue 9).

import { checkEventSpecs } from '../protocol/check-events.ts';
import { messageCodec, type CheckEvent, type Message } from '../protocol/messages.ts';
import { specWords } from '../protocol/schema.ts';
import { DirectMap } from '../util/direct-map.ts';
import { RecentWindow } from './recent-window.ts';
import { routeSlot, slot, type CheckEventType } from './route-slot.ts';
import type { ChainEntry } from './types.ts';

export interface Stamped {
  /** Position in the checker's history (unique, increasing). */
  order: number;
  /** As the runtime stamped it: the simulator's step, the threaded run's sequence number. */
  seq: number;
  timeNs: number;
  actor: number;
  event: CheckEvent;
}

/** Events kept per group and per page. */
export const chainLength = 12;

/**
 * The page window's key of (asid, page). Small ones (asid < 2^10, page < 2^20: every run's so
 * far) get a small-integer key, which a Map hashes without boxing a number per lookup; the rest
 * the wide form, from 2^30 up, so the two never meet.
 */
const pageKey = (asid: number, page: number): number => (asid < 0x400 && page < 0x100000 ? asid * 0x100000 + page : 0x40000000 + asid * 0x100000000 + page);

/** Rings for groups in flight beside the two windows' (more are made by doubling). */
const ringsInFlight = 256;
/** The columns double up to this many rings, then grow once to hold both windows (windowRings). */
const ringsDoubledMax = 1024;

/** Words of the widest check event (the codec's slot fits every message; check events need fewer). */
const eventWords = Math.max(...Object.values(checkEventSpecs).map(specWords));
/** An entry's row in doubles: order, seq, time, then the actor and the event's words in int32 pairs. */
const rowDoubles = 3 + Math.ceil((1 + eventWords) / 2);
const rowInts = rowDoubles * 2;
/** Int32 offsets within a row. */
const actorAt = 6;
const wordsAt = 7;

type EventEncoder = (event: Message, words: Int32Array, offset: number) => void;

/** Per route slot: the codec's unchecked encoder of that check event type, resolved once, so an add looks up nothing by type name. */
function encodersBySlot(): EventEncoder[] {
  const encoders: EventEncoder[] = [];
  for (const type of Object.keys(checkEventSpecs) as CheckEventType[]) encoders[routeSlot(type)] = messageCodec.uncheckedEncoderOf(type);
  return encoders;
}

export class Chains {
  /** Ring index of each group in flight, and of each recently finished one (oldest first). */
  private readonly live = new DirectMap<number>(14);
  private readonly recent: RecentWindow<number>;
  /** Rings given back, to be reused. */
  private readonly free: number[] = [];
  /** Per ring: events held (≤ chainLength) and the entry the next one goes to. */
  private count = new Uint8Array(0);
  private next = new Uint8Array(0);
  /** Per entry (ring × chainLength + i) a row: order, seq and time (rows), the actor and the event's words (rowWords, the same buffer). */
  private rows = new Float64Array(0);
  private rowWords = new Int32Array(0);
  private rings = 0;
  /** Page rings: the last event's signature (kind, version, actor) and how many in a row had it. */
  private lastSig = new Float64Array(0);
  private runLength = new Uint32Array(0);
  /** Ring index of each page (pageKey) with translation events, the oldest page evicted first. */
  private readonly pages: RecentWindow<number>;
  /** The ring of the events that concern no group and no page (drains, binds). */
  private readonly loose: number;
  private readonly encoders = encodersBySlot();
  /** Rings of both windows full, the loose ring and groups in flight: what a run past a few thousand faults holds. */
  private readonly windowRings: number;

  constructor(recentMax = 4096, pagesMax = 4096) {
    this.recent = new RecentWindow(recentMax, true);
    this.pages = new RecentWindow(pagesMax);
    this.windowRings = 1 + recentMax + pagesMax + ringsInFlight;
    this.loose = this.take();
  }

  /** `type`: the event's route slot (route-slot.ts), which picks its encoder. */
  add(ghost: number, order: number, seq: number, timeNs: number, actor: number, event: CheckEvent, type: number): void {
    let ring: number | undefined;
    if (ghost === 0) ring = this.loose;
    else {
      ring = this.live.get(ghost) ?? this.recent.get(ghost);
      if (ring === undefined) this.live.set(ghost, (ring = this.take()));
    }
    this.put(ring, order, seq, timeNs, actor, event, type);
  }

  /** A translation event (chk.xlateUsed, chk.invDone) of one page of an address space. */
  addPage(asid: number, page: number, order: number, seq: number, timeNs: number, actor: number, event: CheckEvent, type: number): void {
    const key = pageKey(asid, page);
    let ring = this.pages.get(key);
    if (ring === undefined) {
      const gone = this.pages.add(key, (ring = this.take()));
      if (gone !== undefined) this.free.push(gone);
    }
    // A run of the same use (a device hitting one cached translation again and again) keeps its
    // first and its latest event, so the page's ring holds what changed, not the repetitions.
    const version = (event as { version: number }).version;
    const sig = (type === slot.xlateUsed ? version * 2 : type === slot.invDone ? version * 2 + 1 : -1) + actor * 2 ** 34;
    if (sig === this.lastSig[ring] && this.runLength[ring]! >= 2) {
      const last = (ring * chainLength + ((this.next[ring]! - 1 + chainLength) % chainLength)) * rowDoubles;
      this.rows[last] = order;
      this.rows[last + 1] = seq;
      this.rows[last + 2] = timeNs;
      return;
    }
    this.runLength[ring] = sig === this.lastSig[ring] ? this.runLength[ring]! + 1 : 1;
    this.lastSig[ring] = sig;
    this.put(ring, order, seq, timeNs, actor, event, type);
  }

  private put(ring: number, order: number, seq: number, timeNs: number, actor: number, event: CheckEvent, type: number): void {
    const e = ring * chainLength + this.next[ring]!;
    const row = e * rowDoubles;
    this.rows[row] = order;
    this.rows[row + 1] = seq;
    this.rows[row + 2] = timeNs;
    this.rowWords[e * rowInts + actorAt] = actor;
    this.encoders[type]!(event as Message, this.rowWords, e * rowInts + wordsAt);
    this.next[ring] = (this.next[ring]! + 1) % chainLength;
    if (this.count[ring]! < chainLength) this.count[ring]!++;
  }

  /** The group is finished: keep its chain only in the recent window. */
  retire(ghost: number): void {
    const ring = this.live.get(ghost);
    if (ring === undefined) return;
    this.live.delete(ghost);
    const gone = this.recent.add(ghost, ring);
    if (gone !== undefined) this.free.push(gone);
  }

  /**
   * The causal slice of a violation: the last `chainLength` events of each of `ghosts` and of
   * `page`, merged oldest first (the loose ones when it names neither).
   */
  chainOf(ghosts: number[], render: (s: Stamped) => ChainEntry, page?: { asid: number; page: number }): ChainEntry[] {
    const all: Stamped[] = [];
    const pageRing = page === undefined ? undefined : this.pages.get(pageKey(page.asid, page.page));
    if (pageRing !== undefined) this.collect(pageRing, all);
    else if (ghosts.length === 0) this.collect(this.loose, all);
    for (const g of new Set(ghosts)) {
      const ring = this.live.get(g) ?? this.recent.get(g);
      if (ring !== undefined) this.collect(ring, all);
    }
    all.sort((a, b) => a.order - b.order);
    return all.map(render);
  }

  /** A ring's events, oldest first, decoded. */
  private collect(ring: number, into: Stamped[]): void {
    const n = this.count[ring]!;
    const first = (this.next[ring]! - n + chainLength) % chainLength;
    for (let i = 0; i < n; i++) {
      const e = ring * chainLength + ((first + i) % chainLength);
      const row = e * rowDoubles;
      into.push({
        order: this.rows[row]!,
        seq: this.rows[row + 1]!,
        timeNs: this.rows[row + 2]!,
        actor: this.rowWords[e * rowInts + actorAt]!,
        event: messageCodec.decode(this.rowWords, e * rowInts + wordsAt) as CheckEvent,
      });
    }
  }

  /**
   * An empty ring: a freed one, or a new one. The columns double while small (a short run stays
   * small), then grow once to hold both windows, so a long run does not copy them again and again
   * (issue 9: the copies were 0.4-1.7 % of a 300 ms run); past that they double.
   */
  private take(): number {
    const reused = this.free.pop();
    const ring = reused ?? this.rings++;
    if (reused === undefined && ring >= this.count.length) {
      this.grow(ring < ringsDoubledMax ? Math.max(64, ring * 2) : ring < this.windowRings ? this.windowRings : ring * 2);
    }
    this.count[ring] = 0;
    this.next[ring] = 0;
    this.lastSig[ring] = -1;
    this.runLength[ring] = 0;
    return ring;
  }

  private grow(rings: number): void {
    const entries = rings * chainLength;
    this.count = copied(new Uint8Array(rings), this.count);
    this.next = copied(new Uint8Array(rings), this.next);
    this.lastSig = copied(new Float64Array(rings), this.lastSig);
    this.runLength = copied(new Uint32Array(rings), this.runLength);
    this.rows = copied(new Float64Array(entries * rowDoubles), this.rows);
    this.rowWords = new Int32Array(this.rows.buffer);
  }
}

function copied<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
