// I5, restated to what mainline promises (intel/prq.c intel_iommu_drain_pasid_prq; io-pgfault.c
// iopf_queue_flush_dev flushes the IOPF workqueue only; iommufd answers what it holds when the
// handle is detached, eventq.c iommufd_auto_response_faults):
//   - when the drain of a (RID, PASID) completes (chk.drainDone), nothing of that incarnation is
//     left in the hardware queues or the IOPF core: every group of the scope still unanswered is
//     held by the host's iommufd fault object (delivered by the host layer, not answered by it);
//   - before the PASID is reused (chk.pasidBind), every group of an older incarnation was
//     answered (or retired): what iommufd held is answered before the reuse.
// A drain that completes without having started is reported too.

import { checkLayer } from '../../protocol/check-events.ts';
import { DirectMap } from '../../util/direct-map.ts';
import type { CheckEventOf, Monitor, MonitorEnv } from '../types.ts';

const scopeKey = (rid: number, pasid: number): number => rid * 0x100000 + pasid;
const listedMax = 8;

export interface DrainMonitor extends Monitor {
  deliver(ev: CheckEventOf<'chk.deliver'>): void;
  /** A response or a retirement: either ends what the layer holds of the group. */
  respondOrRetire(ev: CheckEventOf<'chk.respond'> | CheckEventOf<'chk.retire'>): void;
  drainStart(ev: CheckEventOf<'chk.drainStart'>): void;
  drainDone(ev: CheckEventOf<'chk.drainDone'>): void;
  pasidBind(ev: CheckEventOf<'chk.pasidBind'>): void;
}

export function drainMonitor(env: MonitorEnv): DrainMonitor {
  /** Groups the host layer delivered to iommufd and has not answered (or retired). */
  const heldByIommufd = new DirectMap<true>(14);
  const draining = new Set<number>();
  let drains = 0;
  return {
    invariant: 'I5',
    idleNote: 'not exercised: no PASID was drained in this run (scenario event pasidReuse)',
    seen: () => drains,
    deliver(ev): void {
      if (ev.layer === checkLayer.host) heldByIommufd.set(ev.ghost, true);
    },
    respondOrRetire(ev): void {
      if (ev.layer === checkLayer.host) heldByIommufd.delete(ev.ghost);
    },
    drainStart(ev): void {
      drains++;
      draining.add(scopeKey(ev.rid, ev.pasid));
    },
    drainDone(ev): void {
      if (!draining.delete(scopeKey(ev.rid, ev.pasid))) {
        env.violate('I5', `the drain of rid ${ev.rid} pasid ${ev.pasid} completed without having started`, []);
        return;
      }
      const left = unanswered(env, ev.rid, ev.pasid, (gen) => gen <= ev.gen).filter((g) => !heldByIommufd.has(g));
      if (left.length > 0) {
        env.violate(
          'I5',
          `the drain of rid ${ev.rid} pasid ${ev.pasid} (incarnation ${ev.gen}) completed with ${left.length} group(s) ` +
            `still in a hardware queue or the IOPF core (unanswered, not held by iommufd): ${left.slice(0, listedMax).join(', ')}`,
          left.slice(0, listedMax),
        );
      }
    },
    pasidBind(ev): void {
      const old = unanswered(env, ev.rid, ev.pasid, (gen) => gen < ev.gen);
      if (old.length > 0) {
        env.violate(
          'I5',
          `rid ${ev.rid} pasid ${ev.pasid} was reused (incarnation ${ev.gen}) with ${old.length} group(s) of an older ` + `incarnation never answered: ${old.slice(0, listedMax).join(', ')}`,
          old.slice(0, listedMax),
        );
      }
    },
    finish(): void {},
  };
}

/** Live groups of (rid, pasid) whose incarnation passes `genOk` and that no final layer answered yet. */
function unanswered(env: MonitorEnv, rid: number, pasid: number, genOk: (gen: number) => boolean): number[] {
  const out: number[] = [];
  const t = env.table;
  for (const ghost of t.liveGhosts()) {
    const g = t.slotOf(ghost);
    // IOMMU_NO_PASID (0) drains the RID's requests, those without a PASID.
    if (g < 0 || t.rid(g) !== rid || !(t.pasidPresent(g) ? t.pasid(g) === pasid : pasid === 0) || !genOk(t.pasidGen(g))) continue;
    if (t.finals(g) === 0) out.push(ghost);
  }
  return out;
}
