// I1: every group the device raised gets exactly one response delivered to it. Online: a
// response reaching the device for a group already answered (matched again, or arriving as
// an unexpected PRGI right after the group's own answer) is a second response. At the end
// of a quiescent run every group still live was never answered.

import { layerNames } from '../../protocol/check-events.ts';
import type { CheckEventOf, Monitor, MonitorEnv, RunEnd } from '../types.ts';

const listedMax = 8;

export interface ExactlyOnceMonitor extends Monitor {
  respond(ev: CheckEventOf<'chk.respond'>, g: number): void;
  /** `intended`: the oldest response sent towards the device for the event's (RID, PRGI), not yet delivered (GroupTable.peekIntended). */
  respDelivered(ev: CheckEventOf<'chk.respDelivered'>, intended: number | undefined): void;
}

export function exactlyOnceMonitor(env: MonitorEnv): ExactlyOnceMonitor {
  const t = env.table;
  return {
    invariant: 'I1',
    respond(ev, g): void {
      if (t.isFinal(ev.layer) && g >= 0 && t.isLive(ev.ghost) && t.finals(g) > 0) {
        env.violate('I1', `a second response was sent towards the device for group ${ev.ghost} (by the ${layerNames[ev.layer]})`, [ev.ghost]);
      }
    },
    respDelivered(ev, intended): void {
      if (ev.ghost !== 0) {
        if (t.finishedAs(ev.ghost) === 'answered') env.violate('I1', `group ${ev.ghost} received a second response at the device`, [ev.ghost]);
        return;
      }
      if (intended === undefined) {
        env.violate('I1', `the device got a response for rid ${ev.rid} prgi ${ev.prgi} that no layer sent`, []);
      } else if (t.finishedAs(intended) === 'answered') {
        env.violate('I1', `a second response for group ${intended} reached the device (rid ${ev.rid} prgi ${ev.prgi}, matched no group)`, [intended]);
      }
    },
    finish(end: RunEnd): void {
      if (!end.quiescent) return;
      const missing = [...t.liveGhosts()];
      for (const ghost of missing.slice(0, listedMax)) env.violate('I1', `group ${ghost} was never answered (the run is quiescent)`, [ghost]);
      if (missing.length > listedMax) env.violate('I1', `${missing.length - listedMax} more groups were never answered`, []);
    },
  };
}
