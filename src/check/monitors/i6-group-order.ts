// I6: order within a group. At each IOPF core (host, guest) the page requests of a group
// arrive in index order, the group reaches the handler only after its last request, and the
// delivered group holds only requests of its own ghost: a group delivered with more requests
// than the core saw of it (less those it discarded) merged someone else's partial — the
// partial discarded last under the same (RID, PRGI) is named as the likely culprit.
// A forgotten record goes back to a spare list for the next group (no allocation per group).

import { layerNames } from '../../protocol/check-events.ts';
import { DirectMap } from '../../util/direct-map.ts';
import type { CheckEventOf, Monitor, MonitorEnv } from '../types.ts';
import { append } from '../../util/append.ts';

interface Seen {
  lastIndex: number;
  count: number;
  discarded: number;
  lastSeen: boolean;
}

export interface GroupOrderMonitor extends Monitor {
  reqSeen(ev: CheckEventOf<'chk.reqSeen'>, g: number): void;
  retire(ev: CheckEventOf<'chk.retire'>, g: number): void;
  respDelivered(ev: CheckEventOf<'chk.respDelivered'>): void;
  deliver(ev: CheckEventOf<'chk.deliver'>): void;
}

export function groupOrderMonitor(env: MonitorEnv): GroupOrderMonitor {
  const t = env.table;
  // Direct-mapped: a Map here reallocated its table as it shrank and grew with every group (issue 9).
  const seen = new DirectMap<Seen>(16);
  const spare: Seen[] = [];
  const forget = (key: number): Seen | undefined => {
    const s = seen.get(key);
    if (s !== undefined) {
      seen.delete(key);
      append(spare, s);
    }
    return s;
  };
  /** Per (layer, rid, prgi): the ghost whose partial the layer discarded most recently. */
  const discardedAt = new Map<number, number>();
  const k = (layer: number, ghost: number): number => ghost * 8 + layer;
  const slotKey = (layer: number, rid: number, prgi: number): number => (rid * 512 + prgi) * 8 + layer;
  /** Bit per key % 8 (the layer) of every key ever remembered (the IOPF cores': host and guest): respDelivered forgets only those. */
  let layersSeen = 0;
  return {
    invariant: 'I6',
    reqSeen(ev, g): void {
      if (g < 0) return;
      const index = ev.page - t.firstPage(g);
      const key = k(ev.layer, ev.ghost);
      layersSeen |= 1 << (key % 8);
      let s = seen.get(key);
      if (!s) {
        s = spare.pop() ?? { lastIndex: -1, count: 0, discarded: 0, lastSeen: false };
        s.lastIndex = -1;
        s.count = 0;
        s.discarded = 0;
        s.lastSeen = false;
        seen.set(key, s);
      }
      if (index <= s.lastIndex || s.lastSeen) {
        env.violate('I6', `the ${layerNames[ev.layer]} got page request ${index} of group ${ev.ghost} after request ${s.lastSeen ? 'marked last' : s.lastIndex}`, [ev.ghost]);
      }
      s.lastIndex = Math.max(s.lastIndex, index);
      s.count++;
      if (ev.last) s.lastSeen = true;
    },
    retire(ev, g): void {
      const s = seen.get(k(ev.layer, ev.ghost));
      if (s) s.discarded += ev.requests;
      if (g >= 0) discardedAt.set(slotKey(ev.layer, t.rid(g), t.prgi(g)), ev.ghost);
    },
    respDelivered(ev): void {
      // The group is over at the device: forget what the cores saw of it (bounded memory).
      if (seen.size > 0) for (let layer = 0; layer < 8; layer++) if ((layersSeen & (1 << layer)) !== 0) forget(k(layer, ev.ghost));
    },
    deliver(ev): void {
      // Read below before the next event can reuse it.
      const s = forget(k(ev.layer, ev.ghost));
      const where = layerNames[ev.layer];
      if (!s?.lastSeen) {
        env.violate('I6', `the ${where} delivered group ${ev.ghost} before its last page request arrived`, [ev.ghost]);
        return;
      }
      const own = s.count - s.discarded;
      if (ev.requests > own) {
        const g = t.slotOf(ev.ghost);
        const culprit = g >= 0 ? discardedAt.get(slotKey(ev.layer, t.rid(g), t.prgi(g))) : undefined;
        const ghosts = culprit !== undefined && culprit !== ev.ghost ? [ev.ghost, culprit] : [ev.ghost];
        env.violate(
          'I6',
          `the ${where} delivered group ${ev.ghost} with ${ev.requests} requests but only ${own} are its own` +
            (ghosts.length > 1 ? `: a discarded partial of group ${culprit} was merged into it` : ''),
          ghosts,
        );
      }
    },
    finish(): void {},
  };
}
