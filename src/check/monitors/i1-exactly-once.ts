// I1: every group the device raised gets exactly one response delivered to it. Online: a
// response reaching the device for a group already answered (matched again, or arriving as
// an unexpected PRGI right after the group's own answer) is a second response. At the end
// of a quiescent run every group still live was never answered.

import { layerNames } from '../../protocol/check-events.ts';
import type { CheckEvent } from '../../protocol/messages.ts';
import type { Monitor, MonitorEnv, RunEnd } from '../types.ts';

const listedMax = 8;

export function exactlyOnceMonitor(): Monitor {
  return {
    invariant: 'I1',
    reads: ['chk.respond', 'chk.respDelivered'],
    event(ev: CheckEvent, env: MonitorEnv): void {
      const t = env.table;
      if (ev.type === 'chk.respond' && t.isFinal(ev.layer)) {
        const g = t.slotOf(ev.ghost);
        if (g >= 0 && t.isLive(ev.ghost) && t.finals(g) > 0) {
          env.violate('I1', `a second response was sent towards the device for group ${ev.ghost} (by the ${layerNames[ev.layer]})`, [ev.ghost]);
        }
        return;
      }
      if (ev.type !== 'chk.respDelivered') return;
      const intended = t.peekIntended(ev.rid, ev.prgi);
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
    finish(end: RunEnd, env: MonitorEnv): void {
      if (!end.quiescent) return;
      const missing = [...env.table.liveGhosts()];
      for (const ghost of missing.slice(0, listedMax)) env.violate('I1', `group ${ghost} was never answered (the run is quiescent)`, [ghost]);
      if (missing.length > listedMax) env.violate('I1', `${missing.length - listedMax} more groups were never answered`, []);
    },
  };
}
