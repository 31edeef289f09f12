// The checker's view of page request groups, shared by the monitors: every group the
// device raised (by ghost id) with its RID, PRGI and incarnation, which layers have
// answered it, and the responses sent towards the device and not yet delivered, in order,
// per (RID, PRGI). Finished groups (answered at the device or retired there) leave the live
// table for a bounded "recently finished" window, so memory stays flat over a long run while
// a late duplicate is still recognised.
// A group's record is a row of one Float64Array (slotOf(ghost), then the field getters), not
// an object: records live as long as the finished window (65 536 groups by default, more than
// a 300 ms run raises), so as objects every one was promoted out of the young generation, 130 B
// a fault of the checker's GC cost (issue 9); a row, not a column per field, so a raise writes
// one or two cache lines, not twelve. A slot leaving that window is reused by the next raise.
// Of the responses in flight per (RID, PRGI) the oldest is kept by itself and only those after
// it in a list (emptied lists are kept for the next), so the table allocates nothing per
// group once warm.

import { checkLayer } from '../protocol/check-events.ts';
import { OrderedIdMap } from './ordered-id-map.ts';
import { RecentWindow } from './recent-window.ts';
import { RidPrgiTable } from './rid-prgi-table.ts';
import type { CheckEventOf } from './types.ts';
import { append } from '../util/append.ts';

export type Finished = 'answered' | 'retired';

/** Column `finished`: how the group finished (0: live). */
const finishedCode = { live: 0, answered: 1, retired: 2 } as const;
const finishedNames: readonly (Finished | undefined)[] = [undefined, 'answered', 'retired'];

/** Record slots the rows start with; they double as needed. */
const slotsStart = 1024;

/** A record's fields, as offsets in its row. */
const at = {
  ghost: 0,
  rid: 1,
  prgi: 2,
  pasid: 3,
  /** 1 or 0. */
  pasidPresent: 4,
  incarnation: 5,
  /** Incarnation of the PASID's address space (chk.raise pasidGen). */
  pasidGen: 6,
  firstPage: 7,
  /** Bit per layer (checkLayer) that sent a response for this group. */
  respondedMask: 8,
  /** Final responses (host or iommu, towards the device) sent. */
  finals: 9,
  /** Run time of the raise (ns), -1 when the runtime gives events no time. */
  raisedNs: 10,
  /** finishedCode. */
  finished: 11,
} as const;
const rowDoubles = 12;

export class GroupTable {
  /** Live groups' slots by ghost, in raise order (the end-of-run sweeps list them so); direct-mapped, not hashed (issue 9). */
  private readonly live = new OrderedIdMap<number>(14);
  private readonly finished: RecentWindow<number>;
  /**
   * The responses sent towards the device and not yet delivered, per (RID, PRGI), oldest first:
   * the oldest here, the ones after it (rare: a second response before the first arrives) in a
   * list, so the usual one in flight costs no list (issue 9).
   */
  private readonly intended = new RidPrgiTable<number>();
  private readonly intendedAfter = new RidPrgiTable<number[]>();
  /** Slots of groups gone from the finished window (or replaced), and emptied response lists, for reuse. */
  private readonly spareSlots: number[] = [];
  private readonly spareLists: number[][] = [];
  /** Group records (slots) and response lists allocated so far (the rest were reused): a work counter for the tests. */
  recordsMade = 0;
  private slots = 0;
  /** The records, a row of `rowDoubles` per slot: the raise's fields, then what the table learnt since (field offsets: `at`). */
  private rows = new Float64Array(slotsStart * rowDoubles);

  constructor(recentMax = 1 << 16) {
    this.finished = new RecentWindow(recentMax, true);
  }

  /** The record slot of ghost (live, else recently finished), or -1: read its fields with the getters below. */
  slotOf(ghost: number): number {
    return this.live.get(ghost) ?? this.finished.get(ghost) ?? -1;
  }

  rid(slot: number): number {
    return this.rows[slot * rowDoubles + at.rid]!;
  }
  prgi(slot: number): number {
    return this.rows[slot * rowDoubles + at.prgi]!;
  }
  pasid(slot: number): number {
    return this.rows[slot * rowDoubles + at.pasid]!;
  }
  pasidPresent(slot: number): boolean {
    return this.rows[slot * rowDoubles + at.pasidPresent] !== 0;
  }
  incarnation(slot: number): number {
    return this.rows[slot * rowDoubles + at.incarnation]!;
  }
  pasidGen(slot: number): number {
    return this.rows[slot * rowDoubles + at.pasidGen]!;
  }
  firstPage(slot: number): number {
    return this.rows[slot * rowDoubles + at.firstPage]!;
  }
  respondedMask(slot: number): number {
    return this.rows[slot * rowDoubles + at.respondedMask]!;
  }
  finals(slot: number): number {
    return this.rows[slot * rowDoubles + at.finals]!;
  }
  raisedNs(slot: number): number {
    return this.rows[slot * rowDoubles + at.raisedNs]!;
  }

  isLive(ghost: number): boolean {
    return this.live.has(ghost);
  }

  finishedAs(ghost: number): Finished | undefined {
    const s = this.finished.get(ghost);
    return s === undefined ? undefined : finishedNames[this.rows[s * rowDoubles + at.finished]!];
  }

  liveGhosts(): IterableIterator<number> {
    return this.live.keys();
  }

  /** The oldest response sent towards the device for (rid, prgi) and not yet delivered. */
  peekIntended(rid: number, prgi: number): number | undefined {
    return this.intended.get(rid, prgi);
  }

  isFinal(layer: number): boolean {
    return layer === checkLayer.host || layer === checkLayer.iommu;
  }

  // The events that change the table, each after the monitors saw it (checker.ts).

  /** `timeNs`: the raise's run time, -1 when the runtime gives events no time. */
  raise(ev: CheckEventOf<'chk.raise'>, timeNs: number): void {
    const s = this.take();
    const rows = this.rows;
    const r = s * rowDoubles;
    rows[r + at.ghost] = ev.ghost;
    rows[r + at.rid] = ev.rid;
    rows[r + at.prgi] = ev.prgi;
    rows[r + at.pasid] = ev.pasid;
    rows[r + at.pasidPresent] = ev.pasidPresent ? 1 : 0;
    rows[r + at.incarnation] = ev.incarnation;
    rows[r + at.pasidGen] = ev.pasidGen;
    rows[r + at.firstPage] = ev.firstPage;
    rows[r + at.respondedMask] = 0;
    rows[r + at.finals] = 0;
    rows[r + at.raisedNs] = timeNs;
    rows[r + at.finished] = finishedCode.live;
    // A ghost raised again while live: its old record is no longer reachable.
    const old = this.live.get(ev.ghost);
    if (old !== undefined) this.spareSlots.push(old);
    this.live.set(ev.ghost, s);
  }

  /** `g`: slotOf(ev.ghost) before the event. */
  respond(ev: CheckEventOf<'chk.respond'>, g: number): void {
    const r = g * rowDoubles;
    if (g >= 0) this.rows[r + at.respondedMask] = this.rows[r + at.respondedMask]! | (1 << ev.layer);
    if (!this.isFinal(ev.layer)) return;
    if (g >= 0) this.rows[r + at.finals]!++;
    if (this.intended.get(ev.rid, ev.prgi) === undefined) {
      this.intended.set(ev.rid, ev.prgi, ev.ghost);
      return;
    }
    const after = this.intendedAfter.get(ev.rid, ev.prgi);
    if (after) after.push(ev.ghost);
    else {
      let list = this.spareLists.pop();
      if (list === undefined) {
        list = [];
        this.recordsMade++;
      }
      list.push(ev.ghost);
      this.intendedAfter.set(ev.rid, ev.prgi, list);
    }
  }

  respDelivered(ev: CheckEventOf<'chk.respDelivered'>): void {
    if (this.intended.get(ev.rid, ev.prgi) !== undefined) {
      const after = this.intendedAfter.get(ev.rid, ev.prgi);
      if (after === undefined) this.intended.delete(ev.rid, ev.prgi);
      else {
        this.intended.set(ev.rid, ev.prgi, after.shift()!);
        if (after.length === 0) {
          this.intendedAfter.delete(ev.rid, ev.prgi);
          append(this.spareLists, after);
        }
      }
    }
    if (ev.ghost !== 0) this.finish(ev.ghost, finishedCode.answered);
  }

  retire(ev: CheckEventOf<'chk.retire'>): void {
    if (ev.layer === checkLayer.device) this.finish(ev.ghost, finishedCode.retired);
  }

  private finish(ghost: number, how: number): void {
    const s = this.live.get(ghost);
    if (s === undefined) return;
    this.live.delete(ghost);
    this.rows[s * rowDoubles + at.finished] = how;
    // The ghost finished before, still in the window: its value is replaced, and that record is reachable no more.
    const replaced = this.finished.get(ghost);
    if (replaced !== undefined) this.spareSlots.push(replaced);
    const gone = this.finished.add(ghost, s);
    // A live group (its ghost raised again) keeps its record; only a record nothing points at is reused.
    if (gone !== undefined && this.live.get(this.rows[gone * rowDoubles + at.ghost]!) !== gone) this.spareSlots.push(gone);
  }

  /** A record slot: a reused one, or a new one (the rows doubling when full). */
  private take(): number {
    const reused = this.spareSlots.pop();
    if (reused !== undefined) return reused;
    this.recordsMade++;
    if (this.slots * rowDoubles === this.rows.length) {
      const rows = new Float64Array(this.rows.length * 2);
      rows.set(this.rows);
      this.rows = rows;
    }
    return this.slots++;
  }
}
