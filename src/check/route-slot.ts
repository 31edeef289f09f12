// The route slot of a check event type: its tag's low byte (chk.raise 0x601 → 1), found by a
// switch on the type, most frequent first. The checker reads an event's type once, turns it
// into this number and hands it on, so what follows (the metrics' per-type handlers, the
// monitors' routes) reads the type no more: a check event comes in fourteen shapes, so every
// site that reads `type` from all of them is a megamorphic property load (issue 9).
// routeSlotsChecked() holds it against every spec's tag.

import { checkEventSpecs } from '../protocol/check-events.ts';
import type { CheckEvent } from '../protocol/messages.ts';
import { fail } from '../util/errors.ts';

export type CheckEventType = CheckEvent['type'];

export const slot = {
  raise: 1,
  pageReq: 2,
  queue: 3,
  reqSeen: 4,
  deliver: 5,
  respond: 6,
  respDelivered: 7,
  retire: 8,
  xlateUsed: 9,
  invDone: 10,
  drainStart: 11,
  drainDone: 12,
  pasidBind: 13,
  liveness: 14,
} as const;

export function routeSlot(type: CheckEventType): number {
  switch (type) {
    case 'chk.respond':
      return slot.respond;
    case 'chk.queue':
      return slot.queue;
    case 'chk.reqSeen':
      return slot.reqSeen;
    case 'chk.deliver':
      return slot.deliver;
    case 'chk.raise':
      return slot.raise;
    case 'chk.pageReq':
      return slot.pageReq;
    case 'chk.respDelivered':
      return slot.respDelivered;
    case 'chk.xlateUsed':
      return slot.xlateUsed;
    case 'chk.retire':
      return slot.retire;
    case 'chk.invDone':
      return slot.invDone;
    case 'chk.drainStart':
      return slot.drainStart;
    case 'chk.drainDone':
      return slot.drainDone;
    case 'chk.pasidBind':
      return slot.pasidBind;
    case 'chk.liveness':
      return slot.liveness;
    default:
      return 0;
  }
}

let checked = false;

/** Every check event type has the slot of its tag's low byte, and no two share one (once per process). */
export function routeSlotsChecked(): void {
  if (checked) return;
  const seen = new Set<number>();
  for (const [type, spec] of Object.entries(checkEventSpecs) as [CheckEventType, { tag: number }][]) {
    const s = routeSlot(type);
    if (s !== (spec.tag & 0xff) || seen.has(s)) {
      fail('FAULTLINE_CHECK_ROUTE', `check event ${type} (tag 0x${spec.tag.toString(16)}) has no route slot of its own: routeSlot in src/check/route-slot.ts gives ${s}`);
    }
    seen.add(s);
  }
  checked = true;
}
