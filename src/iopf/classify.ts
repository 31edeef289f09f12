// The per-descriptor checks of the VT-d IRQ thread (intel/prq.c prq_event_thread), in its
// order: non-canonical address, Privileged Mode with R/W, Execute with Read, Stop Marker,
// unknown requester. Malformed requests are answered Invalid only when last (handle_bad_prq_event);
// Stop Markers are dropped without a response. Used by the host and the guest driver.

import type { PageRequestFields } from '../protocol/layouts.ts';

/** 48-bit virtual addresses: canonical iff bits 63:47 are equal; JS numbers reach 2^53, so >= 2^47 is the non-canonical half. */
export const CANONICAL_LIMIT = 2 ** 47;

export type MalformedReason = 'nonCanonical' | 'privWithAccess' | 'execWithRead' | 'unknownRid';

export type Classified = { kind: 'request' } | { kind: 'stopMarker' } | { kind: 'malformed'; reason: MalformedReason };

export function classifyRequest(r: PageRequestFields, ridKnown: (rid: number) => boolean): Classified {
  if (r.addr >= CANONICAL_LIMIT) return { kind: 'malformed', reason: 'nonCanonical' };
  if (r.priv && (r.rd || r.wr)) return { kind: 'malformed', reason: 'privWithAccess' };
  if (r.exe && r.rd) return { kind: 'malformed', reason: 'execWithRead' };
  if (r.last && !r.rd && !r.wr) return { kind: 'stopMarker' };
  if (!ridKnown(r.rid)) return { kind: 'malformed', reason: 'unknownRid' };
  return { kind: 'request' };
}
