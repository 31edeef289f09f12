// The checker's view of page request groups, shared by the monitors: every group the
// device raised (by ghost id) with its RID, PRGI and incarnation, which layers have
// answered it, the live group of each (RID, PRGI), and the responses sent towards the
// device and not yet delivered, in order, per (RID, PRGI). Finished groups (answered at
// the device or retired there) leave the live table for a bounded "recently finished"
// window, so memory stays flat over a long run while a late duplicate is still recognised.
// A group leaving that window gives its record back for the next raise, and a (RID, PRGI)'s
// emptied response list is kept for the next one: the table allocates nothing per group
// once warm, because records that live as long as a group are promoted out of the young
// generation and were most of the checker's GC cost (issue 9).

import type { CheckEvent } from '../protocol/messages.ts';
import { checkLayer } from '../protocol/check-events.ts';
import { OrderedIdMap } from './ordered-id-map.ts';
import { RecentWindow } from './recent-window.ts';
import { RidPrgiTable } from './rid-prgi-table.ts';

export interface GroupInfo {
  ghost: number;
  rid: number;
  prgi: number;
  pasid: number;
  pasidPresent: boolean;
  incarnation: number;
  /** Incarnation of the PASID's address space (chk.raise pasidGen). */
  pasidGen: number;
  requests: number;
  firstPage: number;
  /** Bit per layer (checkLayer) that sent a response for this group. */
  respondedMask: number;
  /** Final responses (host or iommu, towards the device) sent. */
  finals: number;
  /** Run time of the raise (ns), -1 when the runtime gives events no time. */
  raisedNs: number;
  /** How the group finished; undefined while it is live. */
  finished: Finished | undefined;
}

export type Finished = 'answered' | 'retired';

export class GroupTable {
  /** Live groups by ghost, in raise order (the end-of-run sweeps list them so); direct-mapped, not hashed (issue 9). */
  private readonly live = new OrderedIdMap<GroupInfo>(14);
  private readonly liveByKey = new RidPrgiTable<number>();
  private readonly finished: RecentWindow<GroupInfo>;
  private readonly intended = new RidPrgiTable<number[]>();
  /** Records of groups gone from the finished window, and emptied response lists, for reuse. */
  private readonly spareInfos: GroupInfo[] = [];
  private readonly spareLists: number[][] = [];
  /** Group records and response lists allocated so far (the rest were reused): a work counter for the tests. */
  recordsMade = 0;

  constructor(recentMax = 1 << 16) {
    this.finished = new RecentWindow(recentMax, true);
  }

  get(ghost: number): GroupInfo | undefined {
    return this.live.get(ghost) ?? this.finished.get(ghost);
  }

  isLive(ghost: number): boolean {
    return this.live.has(ghost);
  }

  finishedAs(ghost: number): Finished | undefined {
    return this.finished.get(ghost)?.finished;
  }

  liveGhosts(): IterableIterator<number> {
    return this.live.keys();
  }

  get liveCount(): number {
    return this.live.size;
  }

  liveAt(rid: number, prgi: number): number | undefined {
    return this.liveByKey.get(rid, prgi);
  }

  /** The oldest response sent towards the device for (rid, prgi) and not yet delivered. */
  peekIntended(rid: number, prgi: number): number | undefined {
    return this.intended.get(rid, prgi)?.[0];
  }

  isFinal(layer: number): boolean {
    return layer === checkLayer.host || layer === checkLayer.iommu;
  }

  apply(ev: CheckEvent, timeNs = -1): void {
    switch (ev.type) {
      case 'chk.raise': {
        let info = this.spareInfos.pop();
        if (info === undefined) {
          info = blankInfo();
          this.recordsMade++;
        }
        info.ghost = ev.ghost;
        info.rid = ev.rid;
        info.prgi = ev.prgi;
        info.pasid = ev.pasid;
        info.pasidPresent = ev.pasidPresent;
        info.incarnation = ev.incarnation;
        info.pasidGen = ev.pasidGen;
        info.requests = ev.requests;
        info.firstPage = ev.firstPage;
        info.respondedMask = 0;
        info.finals = 0;
        info.raisedNs = timeNs;
        info.finished = undefined;
        this.live.set(ev.ghost, info);
        this.liveByKey.set(ev.rid, ev.prgi, ev.ghost);
        return;
      }
      case 'chk.respond': {
        const g = this.get(ev.ghost);
        if (g) g.respondedMask |= 1 << ev.layer;
        if (this.isFinal(ev.layer)) {
          if (g) g.finals++;
          const q = this.intended.get(ev.rid, ev.prgi);
          if (q) q.push(ev.ghost);
          else {
            let list = this.spareLists.pop();
            if (list === undefined) {
              list = [];
              this.recordsMade++;
            }
            list.push(ev.ghost);
            this.intended.set(ev.rid, ev.prgi, list);
          }
        }
        return;
      }
      case 'chk.respDelivered': {
        const q = this.intended.get(ev.rid, ev.prgi);
        if (q) {
          q.shift();
          if (q.length === 0) {
            this.intended.delete(ev.rid, ev.prgi);
            this.spareLists.push(q);
          }
        }
        if (ev.ghost !== 0) this.finish(ev.ghost, 'answered');
        return;
      }
      case 'chk.retire':
        if (ev.layer === checkLayer.device) this.finish(ev.ghost, 'retired');
        return;
      default:
    }
  }

  private finish(ghost: number, how: Finished): void {
    const info = this.live.get(ghost);
    if (!info) return;
    this.live.delete(ghost);
    if (this.liveByKey.get(info.rid, info.prgi) === ghost) this.liveByKey.delete(info.rid, info.prgi);
    info.finished = how;
    const gone = this.finished.add(ghost, info);
    // A live group (its ghost raised again) keeps its record; only a record nothing points at is reused.
    if (gone !== undefined && this.live.get(gone.ghost) !== gone) this.spareInfos.push(gone);
  }
}

function blankInfo(): GroupInfo {
  return { ghost: 0, rid: 0, prgi: 0, pasid: 0, pasidPresent: false, incarnation: 0, pasidGen: 0, requests: 0, firstPage: 0, respondedMask: 0, finals: 0, raisedNs: -1, finished: undefined };
}
