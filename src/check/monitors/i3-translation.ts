// I3: no translation used after the invalidation covering it completed. Each completed
// invalidation raises the floor version of its pages; a DMA that then uses a cached
// translation made from an older page-table version used a stale entry. Memory: one number
// per page ever invalidated (bounded by the address spaces).

import type { CheckEventOf, Monitor, MonitorEnv } from '../types.ts';

const pageKey = (asid: number, page: number): number => asid * 0x100000000 + page;

export interface TranslationMonitor extends Monitor {
  invDone(ev: CheckEventOf<'chk.invDone'>): void;
  xlateUsed(ev: CheckEventOf<'chk.xlateUsed'>): void;
}

export function translationMonitor(env: MonitorEnv): TranslationMonitor {
  const floor = new Map<number, number>();
  let events = 0;
  return {
    invariant: 'I3',
    idleNote: 'not checked: no translation or invalidation events in this run',
    seen: () => events,
    invDone(ev): void {
      events++;
      for (let p = ev.firstPage; p < ev.firstPage + ev.pages; p++) {
        const k = pageKey(ev.asid, p);
        if ((floor.get(k) ?? 0) < ev.version) floor.set(k, ev.version);
      }
    },
    xlateUsed(ev): void {
      events++;
      // No invalidation completed yet (most runs): every floor is 0, no lookup needed.
      const min = floor.size === 0 ? 0 : (floor.get(pageKey(ev.asid, ev.page)) ?? 0);
      if (ev.version < min) {
        env.violate('I3', `a DMA used the translation of asid ${ev.asid} page ${ev.page} at version ${ev.version} after the invalidation up to version ${min} completed`, [], {
          asid: ev.asid,
          page: ev.page,
        });
      }
    },
    finish(): void {},
  };
}
