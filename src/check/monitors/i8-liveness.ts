// I8: liveness. A run must end quiescent, and then no handler may still hold a group it was
// given without answering it. When the run stalled, the stall detector's report (channel
// depths, parked actors, their pending work) is attached to the violation. A scenario with a
// liveness bound also gets the bounded check of the healing phase (i8-bound.ts).

import { layerNames } from '../../protocol/check-events.ts';
import type { CheckEvent } from '../../protocol/messages.ts';
import type { Monitor, MonitorEnv, RunEnd } from '../types.ts';
import { OrderedIdMap } from '../ordered-id-map.ts';
import { boundTracker } from './i8-bound.ts';

const listedMax = 8;

export function livenessMonitor(): Monitor {
  /** Groups at a handler, as ghost·8 + layer, in delivery order. */
  const atHandler = new OrderedIdMap<true>(16);
  const bound = boundTracker();
  return {
    invariant: 'I8',
    // Until a liveness plan is announced the bound tracker ignores every event: only the handler
    // bookkeeping reads these; after it, each event's time is the bound's clock.
    reads: ['chk.liveness', 'chk.deliver', 'chk.respond', 'chk.retire'],
    readsAllAfter: 'chk.liveness',
    event(ev: CheckEvent, env: MonitorEnv, timeNs: number): void {
      bound.event(ev, env, timeNs);
      if (ev.type === 'chk.deliver') atHandler.set(ev.ghost * 8 + ev.layer, true);
      else if (ev.type === 'chk.respond' || ev.type === 'chk.retire') atHandler.delete(ev.ghost * 8 + ev.layer);
    },
    finish(end: RunEnd, env: MonitorEnv): void {
      bound.finish(end, env);
      const live = [...env.table.liveGhosts()];
      if (!end.quiescent) {
        env.violate(
          'I8',
          `the run ended '${end.stopReason}' without reaching quiescence; ${live.length} group(s) outstanding${end.stallReport ? `\n${end.stallReport}` : ''}`,
          live.slice(0, listedMax),
        );
        return;
      }
      const held = [...atHandler.keys()];
      for (const key of held.slice(0, listedMax)) {
        const ghost = Math.floor(key / 8);
        env.violate('I8', `the ${layerNames[key % 8]} handler still holds group ${ghost} unanswered at quiescence`, [ghost]);
      }
      if (held.length > listedMax) env.violate('I8', `${held.length - listedMax} more groups are held unanswered by handlers`, []);
    },
    detail: () => bound.verdict(),
  };
}
