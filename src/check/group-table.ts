// The checker's view of page request groups, shared by the monitors: every group the
// device raised (by ghost id) with its RID, PRGI and incarnation, which layers have
// answered it, the live group of each (RID, PRGI), and the responses sent towards the
// device and not yet delivered, in order, per (RID, PRGI). Finished groups (answered at
// the device or retired there) leave the live table for a bounded "recently finished"
// window, so memory stays flat over a long run while a late duplicate is still recognised.

import type { CheckEvent } from '../protocol/messages.ts';
import { checkLayer } from '../protocol/check-events.ts';

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
}

export type Finished = 'answered' | 'retired';

const key = (rid: number, prgi: number): number => rid * 512 + prgi;

export class GroupTable {
  private readonly live = new Map<number, GroupInfo>();
  private readonly liveByKey = new Map<number, number>();
  private readonly finished = new Map<number, { how: Finished; info: GroupInfo }>();
  private readonly intended = new Map<number, number[]>();

  constructor(private readonly recentMax = 1 << 16) {}

  get(ghost: number): GroupInfo | undefined {
    return this.live.get(ghost) ?? this.finished.get(ghost)?.info;
  }

  isLive(ghost: number): boolean {
    return this.live.has(ghost);
  }

  finishedAs(ghost: number): Finished | undefined {
    return this.finished.get(ghost)?.how;
  }

  liveGhosts(): IterableIterator<number> {
    return this.live.keys();
  }

  get liveCount(): number {
    return this.live.size;
  }

  liveAt(rid: number, prgi: number): number | undefined {
    return this.liveByKey.get(key(rid, prgi));
  }

  /** The oldest response sent towards the device for (rid, prgi) and not yet delivered. */
  peekIntended(rid: number, prgi: number): number | undefined {
    return this.intended.get(key(rid, prgi))?.[0];
  }

  isFinal(layer: number): boolean {
    return layer === checkLayer.host || layer === checkLayer.iommu;
  }

  apply(ev: CheckEvent, timeNs = -1): void {
    switch (ev.type) {
      case 'chk.raise': {
        const info: GroupInfo = {
          ghost: ev.ghost,
          rid: ev.rid,
          prgi: ev.prgi,
          pasid: ev.pasid,
          pasidPresent: ev.pasidPresent,
          incarnation: ev.incarnation,
          pasidGen: ev.pasidGen,
          requests: ev.requests,
          firstPage: ev.firstPage,
          respondedMask: 0,
          finals: 0,
          raisedNs: timeNs,
        };
        this.live.set(ev.ghost, info);
        this.liveByKey.set(key(ev.rid, ev.prgi), ev.ghost);
        return;
      }
      case 'chk.respond': {
        const g = this.get(ev.ghost);
        if (g) g.respondedMask |= 1 << ev.layer;
        if (this.isFinal(ev.layer)) {
          if (g) g.finals++;
          const k = key(ev.rid, ev.prgi);
          const q = this.intended.get(k);
          if (q) q.push(ev.ghost);
          else this.intended.set(k, [ev.ghost]);
        }
        return;
      }
      case 'chk.respDelivered': {
        const k = key(ev.rid, ev.prgi);
        const q = this.intended.get(k);
        if (q) {
          q.shift();
          if (q.length === 0) this.intended.delete(k);
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
    const k = key(info.rid, info.prgi);
    if (this.liveByKey.get(k) === ghost) this.liveByKey.delete(k);
    this.finished.set(ghost, { how, info });
    if (this.finished.size > this.recentMax) this.finished.delete(this.finished.keys().next().value!);
  }
}
