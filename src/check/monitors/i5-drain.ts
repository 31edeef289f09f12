// I5: a PASID drain completes only after every in-flight request of that (RID, PASID)
// incarnation was answered in every layer. At chk.drainDone no group of the scope may still
// be live (unanswered or not retired at the device), and no layer's handler may still hold
// one it was given (delivered without a response or retirement of that layer). A drain that
// completes without having started is reported too.

import { layerNames } from '../../protocol/check-events.ts';
import type { CheckEvent } from '../../protocol/messages.ts';
import type { Monitor, MonitorEnv } from '../types.ts';

const scopeKey = (rid: number, pasid: number): number => rid * 0x100000 + pasid;
const listedMax = 8;

export function drainMonitor(): Monitor {
  /** Groups at a handler, keyed ghost*8+layer. */
  const atHandler = new Map<number, { layer: number; ghost: number }>();
  const draining = new Set<number>();
  let drains = 0;
  return {
    invariant: 'I5',
    idleNote: 'not exercised: no PASID was drained in this run (scenario event pasidReuse)',
    seen: () => drains,
    event(ev: CheckEvent, env: MonitorEnv): void {
      switch (ev.type) {
        case 'chk.deliver':
          atHandler.set(ev.ghost * 8 + ev.layer, { layer: ev.layer, ghost: ev.ghost });
          return;
        case 'chk.respond':
        case 'chk.retire':
          atHandler.delete(ev.ghost * 8 + ev.layer);
          return;
        case 'chk.drainStart':
          drains++;
          draining.add(scopeKey(ev.rid, ev.pasid));
          return;
        case 'chk.drainDone': {
          const k = scopeKey(ev.rid, ev.pasid);
          if (!draining.delete(k)) {
            env.violate('I5', `the drain of rid ${ev.rid} pasid ${ev.pasid} completed without having started`, []);
            return;
          }
          const inScope = (ghost: number): boolean => {
            const g = env.table.get(ghost);
            return g !== undefined && g.pasidPresent && g.rid === ev.rid && g.pasid === ev.pasid && g.pasidGen <= ev.gen;
          };
          const live = [...env.table.liveGhosts()].filter(inScope);
          if (live.length > 0) {
            env.violate('I5', `the drain of rid ${ev.rid} pasid ${ev.pasid} (incarnation ${ev.gen}) completed with ${live.length} group(s) `
              + `still unanswered at the device: ${live.slice(0, listedMax).join(', ')}`, live.slice(0, listedMax));
          }
          const held = [...atHandler.values()].filter((h) => inScope(h.ghost));
          for (const h of held.slice(0, listedMax)) {
            env.violate('I5', `the drain of rid ${ev.rid} pasid ${ev.pasid} (incarnation ${ev.gen}) completed while the `
              + `${layerNames[h.layer]} handler still held group ${h.ghost}`, [h.ghost]);
          }
          return;
        }
        default:
      }
    },
    finish(): void {},
  };
}
