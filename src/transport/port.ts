// The transport seen by runtimes: a one-way, bounded, FIFO port and a wake-up primitive.
// The threaded runtime implements them over SharedArrayBuffer rings and an eventfd
// analogue; the deterministic runtime over in-memory queues. Actors never see either.

export interface Port<M> {
  readonly capacity: number;
  /** Queue one message; false when the port is full (the caller decides what full means). */
  trySend(msg: M): boolean;
  /** Make queued messages visible to the consumer and wake it if it is parked. */
  flush(): void;
  /** Hand up to `max` queued messages to `fn` in FIFO order; returns how many. */
  drain(max: number, fn: (msg: M) => void): number;
  /** Messages queued and not yet drained (approximate across threads). */
  depth(): number;
}

export interface Wakeup {
  /** Add n to the counter and wake the reader if it is parked. */
  signal(n?: number): void;
  /** Read and reset the counter, parking up to timeoutMs while it is zero. */
  wait(timeoutMs: number): number;
}
