// A single-producer single-consumer ring of fixed-width slots in a SharedArrayBuffer region.
// Owns the region's layout, the two wrapping counters and the "space wanted" flag. It knows
// nothing about messages (a Codec fills the slots) nor about sleeping (an EventFd does that);
// every atomic operation goes through the AtomicsLike it is given, so tests can model-check it.
//
// Layout at byteOffset (Int32 words; head and tail live on separate 64-byte cache lines so the
// two sides do not false-share on the hot path):
//
//   byte    word  name          written by   meaning
//   +0      0     kHead         consumer     slots released so far (wrapping 32-bit counter)
//   +4      1     kSpaceWanted  both         1: producer saw the ring full and wants a wake-up
//   +8..63        (pad)
//   +64     16    kTail         producer     slots published so far (wrapping 32-bit counter)
//   +68     17    kCapacity     init         capacity in slots, checked when a side attaches
//   +72     18    kSlotWords    init         slot width in words, checked on attach
//   +76..127      (pad)
//   +128          data          producer     capacity × slotWords words; slot i at word i·slotWords
//                                            of `slots` (i = counter & (capacity − 1))
//   ...           (pad to a multiple of 64 bytes: ringBytes())
//
//   depth = (tail − head) | 0, always in [0, capacity]. Counters wrap at 2^32 and are compared
//   only through that difference, so crossing the wrap is invisible to the protocol.
//
// Protocol (all JS atomics are sequentially consistent):
//   producer: write slot words (plain stores) → Atomics.store(kTail) publishes them.
//   consumer: Atomics.load(kTail) → read slot words (plain loads) → Atomics.store(kHead) frees them.
// The store/load pair on a counter orders the plain slot accesses on both sides.
import type { AtomicsLike } from './atomics-like.ts';
import { realAtomics } from './atomics-like.ts';
import { fail } from '../util/errors.ts';

export const kHead = 0;
export const kSpaceWanted = 1;
export const kTail = 16;
export const kCapacity = 17;
export const kSlotWords = 18;
export const ringHeaderBytes = 128;

export const ringCapacityMax = 1 << 24;
export const ringSlotWordsMax = 1024;

export interface SabRingOptions {
  /** Write the header (counters, layout words); exactly one side (usually the runtime) does this. */
  init?: boolean;
  /** With init: the starting value of head and tail, so tests can start just below the 2^32 wrap. */
  initialCounter?: number;
}

function checkShape(capacitySlots: number, slotWords: number): void {
  if (!Number.isInteger(capacitySlots) || capacitySlots < 1 || capacitySlots > ringCapacityMax || (capacitySlots & (capacitySlots - 1)) !== 0) {
    fail('FAULTLINE_RING_CAPACITY', `ring capacity must be a power of two in [1, ${ringCapacityMax}] slots, got ${capacitySlots}`, { capacitySlots });
  }
  if (!Number.isInteger(slotWords) || slotWords < 1 || slotWords > ringSlotWordsMax) {
    fail('FAULTLINE_RING_SLOT_WORDS', `ring slot width must be an integer in [1, ${ringSlotWordsMax}] words, got ${slotWords}`, { slotWords });
  }
}

/** Bytes one ring occupies in a SharedArrayBuffer; a multiple of 64, so rings can be stacked. */
export function ringBytes(capacitySlots: number, slotWords: number): number {
  checkShape(capacitySlots, slotWords);
  const raw = ringHeaderBytes + capacitySlots * slotWords * 4;
  return Math.ceil(raw / 64) * 64;
}

export class SabRing {
  readonly capacity: number;
  readonly slotWords: number;
  /** The data area; tryReserve and drain hand out word offsets into it. */
  readonly slots: Int32Array;
  private readonly header: Int32Array;
  private readonly atomics: AtomicsLike;
  private readonly mask: number;
  // Producer side. Only the producer writes kTail, so its own copy is authoritative.
  private tailLocal: number;
  private reservedSlots = 0;
  private headCache: number;
  // Consumer side. Only the consumer writes kHead.
  private headLocal: number;
  private tailCache: number;

  constructor(sab: SharedArrayBuffer, byteOffset: number, capacitySlots: number, slotWords: number, atomics: AtomicsLike = realAtomics, options: SabRingOptions = {}) {
    const totalBytes = ringBytes(capacitySlots, slotWords);
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
      fail('FAULTLINE_RING_OFFSET', `ring byteOffset must be a non-negative multiple of 4, got ${byteOffset}`, { byteOffset });
    }
    if (byteOffset + totalBytes > sab.byteLength) {
      fail('FAULTLINE_RING_BOUNDS', `ring of ${totalBytes} bytes at offset ${byteOffset} overruns the ${sab.byteLength}-byte buffer`, { byteOffset, totalBytes, bufferBytes: sab.byteLength });
    }
    this.capacity = capacitySlots;
    this.slotWords = slotWords;
    this.mask = capacitySlots - 1;
    this.atomics = atomics;
    this.header = new Int32Array(sab, byteOffset, ringHeaderBytes / 4);
    this.slots = new Int32Array(sab, byteOffset + ringHeaderBytes, capacitySlots * slotWords);

    if (options.init === true) {
      const start = options.initialCounter ?? 0;
      if (!Number.isInteger(start) || start < -(2 ** 31) || start > 2 ** 32 - 1) {
        fail('FAULTLINE_RING_COUNTER', `initialCounter must be a 32-bit integer, got ${start}`, { start });
      }
      // Layout words last: a side that sees them also sees the counters (SC stores).
      atomics.store(this.header, kSpaceWanted, 0);
      atomics.store(this.header, kHead, start | 0);
      atomics.store(this.header, kTail, start | 0);
      atomics.store(this.header, kSlotWords, slotWords);
      atomics.store(this.header, kCapacity, capacitySlots);
    } else {
      const seenCapacity = atomics.load(this.header, kCapacity);
      const seenSlotWords = atomics.load(this.header, kSlotWords);
      if (seenCapacity !== capacitySlots || seenSlotWords !== slotWords) {
        fail(
          'FAULTLINE_RING_LAYOUT',
          `ring at offset ${byteOffset} holds capacity ${seenCapacity} × ${seenSlotWords} words ` + `(0 means not initialised), attached as ${capacitySlots} × ${slotWords}`,
          { byteOffset, seenCapacity, seenSlotWords, capacitySlots, slotWords },
        );
      }
    }
    this.tailLocal = atomics.load(this.header, kTail);
    this.tailCache = this.tailLocal;
    this.headLocal = atomics.load(this.header, kHead);
    this.headCache = this.headLocal;
  }

  // ---- producer ----

  /**
   * Reserve the next slot and return its word offset in `slots`, or -1 when the ring is full
   * (reserved-but-unpublished slots count as used). The slot stays invisible until publish().
   */
  tryReserve(): number {
    const next = (this.tailLocal + this.reservedSlots) | 0;
    if (((next - this.headCache) | 0) >= this.capacity) {
      // Looks full from the cached head: only now pay for a load of the consumer's line.
      this.headCache = this.atomics.load(this.header, kHead);
      if (((next - this.headCache) | 0) >= this.capacity) return -1;
    }
    this.reservedSlots++;
    return (next & this.mask) * this.slotWords;
  }

  /** Make every reserved slot visible with one store of kTail; returns how many were published. */
  publish(): number {
    const n = this.reservedSlots;
    if (n === 0) return 0;
    this.reservedSlots = 0;
    this.tailLocal = (this.tailLocal + n) | 0;
    this.atomics.store(this.header, kTail, this.tailLocal);
    return n;
  }

  /** Reserved and not yet published (producer-local). */
  get reservedCount(): number {
    return this.reservedSlots;
  }

  /**
   * The producer found the ring full and is about to park: raise kSpaceWanted, then look at
   * kHead again. Returns true when the ring is still full (park now: the consumer will see the
   * flag after its next release), false when space appeared meanwhile (do not park).
   * Why this cannot miss: producer does store(flag) → load(head); consumer does
   * store(head) → load(flag). Under SC one of the two loads sees the other side's store.
   * Publish first: a ring full of unpublished slots would never be drained.
   */
  armSpaceWake(): boolean {
    if (this.reservedSlots !== 0) {
      fail('FAULTLINE_RING_UNPUBLISHED', `armSpaceWake with ${this.reservedSlots} reserved slots unpublished: publish (and signal) first`, { reservedSlots: this.reservedSlots });
    }
    this.atomics.store(this.header, kSpaceWanted, 1);
    this.headCache = this.atomics.load(this.header, kHead);
    return ((this.tailLocal - this.headCache) | 0) >= this.capacity;
  }

  // ---- consumer ----

  /**
   * Hand up to `max` published slots to fn in FIFO order, then release them all with one store
   * of kHead. Loads kTail at most once per call, and only when the cached tail shows fewer than
   * `max` slots. If fn throws, nothing from this call is released.
   */
  drain(max: number, fn: (slots: Int32Array, offset: number) => void): number {
    const head = this.headLocal;
    let avail = (this.tailCache - head) | 0;
    if (avail < max) {
      this.tailCache = this.atomics.load(this.header, kTail);
      avail = (this.tailCache - head) | 0;
      if (avail < 0 || avail > this.capacity) {
        fail('FAULTLINE_RING_CORRUPT', `ring depth ${avail} outside [0, ${this.capacity}]`, { head, tail: this.tailCache });
      }
    }
    const n = avail < max ? avail : max;
    if (n <= 0) return 0;
    const mask = this.mask;
    const slotWords = this.slotWords;
    const slots = this.slots;
    for (let i = 0; i < n; i++) fn(slots, ((head + i) & mask) * slotWords);
    this.headLocal = (head + n) | 0;
    this.atomics.store(this.header, kHead, this.headLocal);
    return n;
  }

  /**
   * After a release: true when the producer had asked for a wake-up (the flag is cleared),
   * so the caller should signal the producer's Wakeup. One plain-cost load when nobody asked.
   */
  takeSpaceWake(): boolean {
    if (this.atomics.load(this.header, kSpaceWanted) === 0) return false;
    return this.atomics.exchange(this.header, kSpaceWanted, 0) !== 0;
  }

  // ---- either side ----

  /** Published and not yet released; exact when one side is quiescent, approximate otherwise. */
  depth(): number {
    const head = this.atomics.load(this.header, kHead);
    const tail = this.atomics.load(this.header, kTail);
    return (tail - head) | 0;
  }
}
