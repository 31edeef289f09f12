// Port<M> over one SabRing: the producer's and the consumer's halves of a channel between two
// threads. Owns the glue only — a Codec turns messages into slot words, the ring orders them,
// the consumer's EventFd wakes the reader once per flush, and (optionally) the producer's
// EventFd wakes a producer that parked because the ring was full.
import type { Codec } from './codec-types.ts';
import type { Port, Wakeup } from './port.ts';
import type { SabRing } from './sab-ring.ts';
import { fail } from '../util/errors.ts';

export class SabPort<M> implements Port<M> {
  readonly capacity: number;
  /** How many flushes published something and rang the consumer's doorbell (producer side). */
  signalCount = 0;
  private readonly ring: SabRing;
  private readonly codec: Codec<M>;
  private readonly consumerWakeup: Wakeup;
  private readonly producerWakeup: Wakeup | undefined;
  private target: ((msg: M) => void) | undefined = undefined;
  // Bound once so drain allocates no closure per call.
  private readonly onSlot = (slots: Int32Array, offset: number): void => {
    (this.target as (msg: M) => void)(this.codec.decode(slots, offset));
  };

  constructor(ring: SabRing, codec: Codec<M>, consumerWakeup: Wakeup, producerWakeup?: Wakeup) {
    if (!Number.isInteger(codec.slotWords) || codec.slotWords < 1 || codec.slotWords > ring.slotWords) {
      fail('FAULTLINE_PORT_SLOT_WORDS', `codec needs ${codec.slotWords} words per slot but the ring's slots are ${ring.slotWords} words`, {
        codecSlotWords: codec.slotWords,
        ringSlotWords: ring.slotWords,
      });
    }
    this.ring = ring;
    this.codec = codec;
    this.capacity = ring.capacity;
    this.consumerWakeup = consumerWakeup;
    this.producerWakeup = producerWakeup;
  }

  /** Encode into a reserved slot; invisible to the consumer until flush(). */
  trySend(msg: M): boolean {
    const offset = this.ring.tryReserve();
    if (offset < 0) return false;
    this.codec.encode(msg, this.ring.slots, offset);
    return true;
  }

  /** Publish everything sent since the last flush and ring the consumer's doorbell once. */
  flush(): void {
    if (this.ring.publish() > 0) {
      this.signalCount++;
      this.consumerWakeup.signal(1);
    }
  }

  drain(max: number, fn: (msg: M) => void): number {
    this.target = fn;
    const n = this.ring.drain(max, this.onSlot);
    this.target = undefined;
    // Only after the release (inside ring.drain) may we look at the flag: see armSpaceWake.
    if (n > 0 && this.producerWakeup !== undefined && this.ring.takeSpaceWake()) this.producerWakeup.signal(1);
    return n;
  }

  depth(): number {
    return this.ring.depth() + this.ring.reservedCount;
  }

  /**
   * Producer side, after trySend returned false: flush, then ask the consumer for a wake-up.
   * True means the ring is still full and the caller should park on its own Wakeup (the one
   * passed to the consumer's SabPort as producerWakeup); false means retry now.
   */
  wantSpace(): boolean {
    this.flush();
    return this.ring.armSpaceWake();
  }
}
