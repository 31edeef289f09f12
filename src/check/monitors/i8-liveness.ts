// I8: liveness. A run must end quiescent, and then no handler may still hold a group it was
// given without answering it. When the run stalled, the stall detector's report (channel
// depths, parked actors, their pending work) is attached to the violation. A scenario with a
// liveness bound also gets the bounded check of the healing phase (i8-bound.ts).

import { layerNames } from '../../protocol/check-events.ts';
import type { CheckEvent } from '../../protocol/messages.ts';
import type { CheckEventOf, Monitor, MonitorEnv, RunEnd } from '../types.ts';
import { OrderedCounts } from '../ordered-counts.ts';
import { boundTracker } from './i8-bound.ts';

const listedMax = 8;

export interface LivenessMonitor extends Monitor {
  liveness(ev: CheckEventOf<'chk.liveness'>): void;
  deliver(ev: CheckEventOf<'chk.deliver'>, timeNs: number): void;
  /** A response or a retirement: the layer's handler no longer holds the group. */
  respondOrRetire(ev: CheckEventOf<'chk.respond'> | CheckEventOf<'chk.retire'>, timeNs: number): void;
  /**
   * Every other event the monitors see, once a liveness plan was announced (the checker calls it
   * only then): each event's time is the bound's clock.
   */
  other(ev: CheckEvent, timeNs: number): void;
}

export function livenessMonitor(env: MonitorEnv): LivenessMonitor {
  /** Groups at a handler, as ghost·8 + layer, in delivery order (the counts unread). */
  const atHandler = new OrderedCounts();
  const bound = boundTracker();
  return {
    invariant: 'I8',
    liveness(ev): void {
      bound.plan(ev);
    },
    deliver(ev, timeNs): void {
      bound.event(ev, env, timeNs);
      atHandler.add(ev.ghost * 8 + ev.layer, 1);
    },
    respondOrRetire(ev, timeNs): void {
      bound.event(ev, env, timeNs);
      atHandler.delete(ev.ghost * 8 + ev.layer);
    },
    other(ev, timeNs): void {
      bound.event(ev, env, timeNs);
    },
    finish(end: RunEnd): void {
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
      const held = atHandler.keys();
      for (const key of held.slice(0, listedMax)) {
        const ghost = Math.floor(key / 8);
        env.violate('I8', `the ${layerNames[key % 8]} handler still holds group ${ghost} unanswered at quiescence`, [ghost]);
      }
      if (held.length > listedMax) env.violate('I8', `${held.length - listedMax} more groups are held unanswered by handlers`, []);
    },
    detail: () => bound.verdict(),
  };
}
