// The seam between the transport's shared-memory protocols and the machine. The ring and
// the eventfd perform every atomic operation through an AtomicsLike, so a test can swap in
// a scheduler that turns each operation into a choice point and explores interleavings
// (the loom pattern), while production binds straight to the global Atomics.

export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

export interface AtomicsLike {
  load(arr: Int32Array, index: number): number;
  /** Returns the value stored, as Atomics.store does. */
  store(arr: Int32Array, index: number, value: number): number;
  /** add/sub/exchange/compareExchange return the previous value, as Atomics does. */
  add(arr: Int32Array, index: number, value: number): number;
  sub(arr: Int32Array, index: number, value: number): number;
  exchange(arr: Int32Array, index: number, value: number): number;
  compareExchange(arr: Int32Array, index: number, expected: number, replacement: number): number;
  /** Park while arr[index] === value, up to timeoutMs (undefined or Infinity: no limit). */
  wait(arr: Int32Array, index: number, value: number, timeoutMs?: number): WaitResult;
  /** Wake up to `count` threads parked on arr[index] (all when omitted); returns how many woke. */
  notify(arr: Int32Array, index: number, count?: number): number;
}

/** The real thing: a thin binding to the global Atomics (sequentially consistent). */
// A named function so that CPU profiles show time parked in Atomics.wait as 'parkOnWord'
// (the cpu-split benchmark counts it as parked, not as CPU).
function parkOnWord(arr: Int32Array, index: number, value: number, timeoutMs?: number): WaitResult {
  return Atomics.wait(arr, index, value, timeoutMs);
}

export const realAtomics: AtomicsLike = {
  load: (arr, index) => Atomics.load(arr, index),
  store: (arr, index, value) => Atomics.store(arr, index, value),
  add: (arr, index, value) => Atomics.add(arr, index, value),
  sub: (arr, index, value) => Atomics.sub(arr, index, value),
  exchange: (arr, index, value) => Atomics.exchange(arr, index, value),
  compareExchange: (arr, index, expected, replacement) => Atomics.compareExchange(arr, index, expected, replacement),
  wait: parkOnWord,
  notify: (arr, index, count) => Atomics.notify(arr, index, count),
};
