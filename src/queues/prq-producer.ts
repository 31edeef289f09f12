// The producer side of a VT-d page request queue, written once and used twice: by the
// physical IOMMU (PRQ → host) and by the VMM's emulated vIOMMU (vPRQ → guest). It owns the
// ring indices, the PRS bits (PPR, PRO), the full/overflow drop rules, the interrupt rule and
// the auto-response decision for a dropped last request (actors/README.md, reference §3.1).
// Pure functions over plain data; the actors turn results into messages.
//
// Register values are descriptor *indices* (0 .. entries-1), as actors/README.md states the
// contract ("Full when (tail + 1) % entries == head", head = PQH). Real VT-d holds byte
// offsets (index << 5, 32-byte descriptors); the scaling carries no behaviour, so it is left out.

import { prgCode, prsBit, vtdReg } from '../protocol/iopf.ts';
import type { Words4 } from '../protocol/layouts.ts';
import type { AutoResponse } from '../config/tier-configs.ts';
import { fail } from '../util/errors.ts';

export interface PrqProducerState {
  /** Ring size in descriptors (power of two). */
  entries: number;
  /** Next slot the producer writes (PQT). */
  tail: number;
  /** Last PQH written by the consumer. */
  head: number;
  /** Pending Page Request (PRS bit 0). */
  ppr: boolean;
  /** Page Request Overflow (PRS bit 1). */
  pro: boolean;
}

export type PrqDropReason = 'full' | 'overflow';

export type EnqueueResult =
  | { kind: 'queued'; slot: number; raiseIrq: boolean }
  | {
      kind: 'dropped';
      reason: PrqDropReason;
      /** A Stop Marker: dropped silently, never answered. */
      stopMarker: boolean;
      /** PCIe code to answer the dropped request with, or null (non-last, Stop Marker, policy 'none'). */
      autoResponseCode: number | null;
      /** Setting PRO is an event too: raised when PPR and PRO were both clear before. */
      raiseIrq: boolean;
    };

export type RegisterWriteResult = 'ok' | 'readOnly' | 'unknownRegister';

export function createPrqProducer(entries: number): PrqProducerState {
  if (!(Number.isInteger(entries) && entries >= 2 && (entries & (entries - 1)) === 0)) {
    fail('FAULTLINE_PRQ_ENTRIES', `PRQ entries must be a power of two >= 2, got ${entries}`, { entries });
  }
  return { entries, tail: 0, head: 0, ppr: false, pro: false };
}

/** Descriptors written and not yet released by the consumer's PQH. */
export function prqOccupancy(q: PrqProducerState): number {
  return (q.tail - q.head + q.entries) % q.entries;
}

export function prqIsFull(q: PrqProducerState): boolean {
  return (q.tail + 1) % q.entries === q.head;
}

/** LPIG set, read and write clear (the descriptor's QW1 low bits: RD 0, WR 1, LPIG 2). */
export function isStopMarkerDescriptor(d: Words4): boolean {
  return (d.w2 & 7) === 4;
}

export function isLastDescriptor(d: Words4): boolean {
  return (d.w2 & 4) !== 0;
}

export function autoResponseCodeOf(policy: AutoResponse): number | null {
  if (policy === 'success') return prgCode.SUCCESS;
  if (policy === 'invalid') return prgCode.INVALID;
  return null;
}

/**
 * Offer one page request descriptor. While PRO is set every request is dropped ('overflow');
 * a full ring sets PRO and drops ('full'). A dropped last request gets `policy` as its
 * auto-response, a Stop Marker never does.
 */
export function prqEnqueue(q: PrqProducerState, d: Words4, policy: AutoResponse): EnqueueResult {
  const stopMarker = isStopMarkerDescriptor(d);
  const answer = isLastDescriptor(d) && !stopMarker ? autoResponseCodeOf(policy) : null;
  if (q.pro) return { kind: 'dropped', reason: 'overflow', stopMarker, autoResponseCode: answer, raiseIrq: false };
  if (prqIsFull(q)) {
    const raiseIrq = !q.ppr;
    q.pro = true;
    return { kind: 'dropped', reason: 'full', stopMarker, autoResponseCode: answer, raiseIrq };
  }
  const slot = q.tail;
  const raiseIrq = !q.ppr && !q.pro;
  q.tail = (q.tail + 1) % q.entries;
  q.ppr = true;
  return { kind: 'queued', slot, raiseIrq };
}

/** PQH takes the consumer's head (masked to the ring, as hardware ignores higher bits); PRS is write-1-to-clear. */
export function prqWriteRegister(q: PrqProducerState, reg: number, value: number): RegisterWriteResult {
  if (reg === vtdReg.PQH) {
    q.head = (value >>> 0) & (q.entries - 1);
    return 'ok';
  }
  if (reg === vtdReg.PRS) {
    if ((value & prsBit.PPR) !== 0) q.ppr = false;
    if ((value & prsBit.PRO) !== 0) q.pro = false;
    return 'ok';
  }
  if (reg === vtdReg.PQT) return 'readOnly';
  return 'unknownRegister';
}

/** Register value, or null for a register the queue does not have. */
export function prqReadRegister(q: PrqProducerState, reg: number): number | null {
  if (reg === vtdReg.PQT) return q.tail;
  if (reg === vtdReg.PQH) return q.head;
  if (reg === vtdReg.PRS) return (q.ppr ? prsBit.PPR : 0) | (q.pro ? prsBit.PRO : 0);
  return null;
}
