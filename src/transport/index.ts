// The transport's public surface: ports, wake-ups, the SAB ring and the Atomics seam.
export type { Port, Wakeup } from './port.ts';
export type { AtomicsLike, WaitResult } from './atomics-like.ts';
export { realAtomics } from './atomics-like.ts';
export { SabRing, ringBytes, ringHeaderBytes, ringCapacityMax, ringSlotWordsMax } from './sab-ring.ts';
export type { SabRingOptions } from './sab-ring.ts';
export { EventFd, eventFdBytes, spinBudgetFor } from './eventfd.ts';
export type { EventFdOptions } from './eventfd.ts';
export { SabPort } from './sab-port.ts';
export { MemPort } from './mem-port.ts';
