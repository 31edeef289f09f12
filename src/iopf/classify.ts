// The per-descriptor checks of the VT-d IRQ thread (intel/prq.c prq_event_thread), in its
// order: non-canonical address, Privileged Mode with R/W, Execute with Read, Stop Marker,
// unknown requester. Malformed requests are answered Invalid only when last (handle_bad_prq_event);
// Stop Markers are dropped without a response. Used by the host and the guest driver, on the
// fault record the descriptor was decoded into (classifyFault); classifyRequest is the same
// checks on decoded fields. The results are shared constants: a check allocates nothing.

import { pgfaultPerm } from '../protocol/iommufd.ts';
import type { PageRequestFields } from '../protocol/layouts.ts';
import { faultFromRequest, type IopfFault } from './fault.ts';

/** 48-bit virtual addresses: canonical iff bits 63:47 are equal; JS numbers reach 2^53, so >= 2^47 is the non-canonical half. */
export const CANONICAL_LIMIT = 2 ** 47;

export type MalformedReason = 'nonCanonical' | 'privWithAccess' | 'execWithRead' | 'unknownRid';

export type Classified = { kind: 'request' } | { kind: 'stopMarker' } | { kind: 'malformed'; reason: MalformedReason };

/** Who answers whether a requester ID names a known device (the driver). */
export interface RequesterCheck {
  ridKnown(rid: number): boolean;
}

const REQUEST: Classified = Object.freeze({ kind: 'request' });
const STOP_MARKER: Classified = Object.freeze({ kind: 'stopMarker' });
const malformed = (reason: MalformedReason): Classified => Object.freeze({ kind: 'malformed', reason });
const NON_CANONICAL = malformed('nonCanonical');
const PRIV_WITH_ACCESS = malformed('privWithAccess');
const EXEC_WITH_READ = malformed('execWithRead');
const UNKNOWN_RID = malformed('unknownRid');

const RW = pgfaultPerm.READ | pgfaultPerm.WRITE;

export function classifyFault(f: IopfFault, requesters: RequesterCheck): Classified {
  if (f.addr >= CANONICAL_LIMIT) return NON_CANONICAL;
  if ((f.perm & pgfaultPerm.PRIV) !== 0 && (f.perm & RW) !== 0) return PRIV_WITH_ACCESS;
  if ((f.perm & pgfaultPerm.EXEC) !== 0 && (f.perm & pgfaultPerm.READ) !== 0) return EXEC_WITH_READ;
  if (f.last && (f.perm & RW) === 0) return STOP_MARKER;
  if (!requesters.ridKnown(f.rid)) return UNKNOWN_RID;
  return REQUEST;
}

export function classifyRequest(r: PageRequestFields, ridKnown: (rid: number) => boolean): Classified {
  return classifyFault(faultFromRequest(r, 0), { ridKnown });
}
