// I7: no fault of a freed PASID reaches the new address space (Brucker's PASID-reuse hazard,
// reference §1.5). Each group carries the incarnation of its (RID, PASID) address space
// (chk.raise pasidGen); chk.pasidBind starts a new incarnation. After that, a group of an
// older incarnation must not be delivered to any layer's handler (it would fix up the new
// owner's page tables) and no layer may pass on a handler's answer for it (an answer given
// as if it belonged to the new owner); auto-responses (the drain's own) are fine. A group
// raised with an incarnation the PASID no longer has is reported too, and a rebind must move
// the incarnation forward.

import { layerNames } from '../../protocol/check-events.ts';
import type { CheckEventOf, Monitor, MonitorEnv } from '../types.ts';

const scopeKey = (rid: number, pasid: number): number => rid * 0x100000 + pasid;

export interface PasidReuseMonitor extends Monitor {
  pasidBind(ev: CheckEventOf<'chk.pasidBind'>): void;
  raise(ev: CheckEventOf<'chk.raise'>): void;
  deliver(ev: CheckEventOf<'chk.deliver'>): void;
  respond(ev: CheckEventOf<'chk.respond'>, g: number): void;
}

export function pasidReuseMonitor(env: MonitorEnv): PasidReuseMonitor {
  const t = env.table;
  const current = new Map<number, number>();
  let binds = 0;
  /** The group in record slot g, when of an incarnation older than its PASID's now; only called once a PASID was rebound. */
  const stale = (g: number): { gen: number; now: number } | undefined => {
    if (g < 0 || !t.pasidPresent(g)) return undefined;
    const now = current.get(scopeKey(t.rid(g), t.pasid(g)));
    const gen = t.pasidGen(g);
    return now !== undefined && gen < now ? { gen, now } : undefined;
  };
  return {
    invariant: 'I7',
    idleNote: 'not exercised: no PASID was rebound in this run (scenario event pasidReuse)',
    seen: () => binds,
    pasidBind(ev): void {
      binds++;
      const k = scopeKey(ev.rid, ev.pasid);
      const before = current.get(k) ?? 1;
      if (ev.gen <= before) env.violate('I7', `rid ${ev.rid} pasid ${ev.pasid} rebound as incarnation ${ev.gen}, not after ${before}`, []);
      current.set(k, Math.max(before, ev.gen));
    },
    raise(ev): void {
      const now = ev.pasidPresent && current.size !== 0 ? current.get(scopeKey(ev.rid, ev.pasid)) : undefined;
      if (now !== undefined && ev.pasidGen < now) {
        env.violate('I7', `the device raised group ${ev.ghost} for incarnation ${ev.pasidGen} of rid ${ev.rid} pasid ${ev.pasid} ` + `after it was rebound (incarnation ${now})`, [ev.ghost]);
      }
    },
    deliver(ev): void {
      // No PASID rebound yet (most runs): nothing can be stale, and no lookup is needed.
      if (current.size === 0) return;
      const s = stale(t.slotOf(ev.ghost));
      if (s) {
        env.violate('I7', `group ${ev.ghost} of incarnation ${s.gen} reached the ${layerNames[ev.layer]} handler after the PASID ` + `was rebound to incarnation ${s.now}`, [ev.ghost]);
      }
    },
    respond(ev, g): void {
      if (ev.auto || current.size === 0) return;
      const s = stale(g);
      if (s) {
        env.violate('I7', `the ${layerNames[ev.layer]} passed on a handler's answer for group ${ev.ghost} of incarnation ${s.gen} ` + `after the PASID was rebound to incarnation ${s.now}`, [
          ev.ghost,
        ]);
      }
    },
    finish(): void {},
  };
}
