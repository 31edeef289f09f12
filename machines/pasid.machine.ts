// The lifecycle of one PASID of a function as the host driver runs it when the guest frees it
// and gives it to a new address space (issue 4; iopf-domain.md §1.5, §3.1, §6):
//   active → waitingResponses (stop requested; the device finishes its outstanding page
//   requests) | markerSent (stop requested; the device stops at once and closes its requests
//   with a Stop Marker) → stopped (the device reported the stop) → draining (PRQ scanned for the
//   PASID, the host queue flushed, fence: device-TLB invalidation + wait; again while the PRQ
//   had overflowed) → unbound → bound (a new address space, incarnation + 1) → active.
// `stopped --pasid.rebindNow--> bound` is the R1 bug path (no drain before reuse): the shell
// only sends it with the bug toggle on. Effects are data for the host shell.

import { assign, setup } from 'xstate';

export interface PasidContext {
  /** Incarnation of the PASID's address space (1 at first bind). */
  gen: number;
  /** Drain rounds repeated because the PRQ had overflowed (PRO). */
  drainRetries: number;
}

export type PasidEvent =
  /** The guest frees the PASID: ask the device to stop using it. */
  | { type: 'pasid.stop'; stopMarker: boolean }
  /** The device reported that it stopped using the PASID. */
  | { type: 'pasid.stopped' }
  /** Begin the drain (scan the PRQ for the PASID). */
  | { type: 'drain.start' }
  /** The fence completed with PRO set: drain again. */
  | { type: 'drain.retry' }
  /** The fence completed with PRO clear: nothing of the PASID is left anywhere. */
  | { type: 'drain.done' }
  /** Bind the PASID to the new address space. */
  | { type: 'pasid.bind' }
  /** R1 bug: rebind right after the stop, no drain. */
  | { type: 'pasid.rebindNow' }
  /** The device resumed DMA on the new address space. */
  | { type: 'pasid.resume' };

export const pasidMachine = setup({
  types: {} as { context: PasidContext; events: PasidEvent },
  actions: {
    /** Send the stop request to the device (cmd.pasidCtl STOP). */
    requestStop: (_, _params: { stopMarker: boolean }) => {},
    /** Emit chk.drainStart and scan the PRQ. */
    startDrain: (_, _params: { gen: number }) => {},
    /** Scan the PRQ again (PRO was set when the fence completed). */
    retryDrain: () => {},
    /** Emit chk.drainDone; the PASID's old address space is gone. */
    finishDrain: (_, _params: { gen: number }) => {},
    /** The new address space: empty stage-1 table, IOTLB flushed, device told (cmd.pasidCtl BIND). */
    bindNew: (_, _params: { gen: number }) => {},
    countRetry: assign({ drainRetries: ({ context }) => context.drainRetries + 1 }),
    nextGen: assign({ gen: ({ context }) => context.gen + 1 }),
  },
  guards: {
    withStopMarker: ({ event }) => event.type === 'pasid.stop' && event.stopMarker,
  },
}).createMachine({
  id: 'pasid',
  context: { gen: 1, drainRetries: 0 },
  initial: 'active',
  states: {
    active: {
      on: {
        'pasid.stop': [
          { guard: 'withStopMarker', target: 'markerSent', actions: { type: 'requestStop', params: { stopMarker: true } } },
          { target: 'waitingResponses', actions: { type: 'requestStop', params: { stopMarker: false } } },
        ],
      },
    },
    waitingResponses: { on: { 'pasid.stopped': { target: 'stopped' } } },
    markerSent: { on: { 'pasid.stopped': { target: 'stopped' } } },
    stopped: {
      on: {
        'drain.start': { target: 'draining', actions: { type: 'startDrain', params: ({ context }) => ({ gen: context.gen }) } },
        'pasid.rebindNow': { target: 'bound', actions: ['nextGen', { type: 'bindNew', params: ({ context }) => ({ gen: context.gen }) }] },
      },
    },
    draining: {
      on: {
        'drain.retry': { target: 'draining', actions: ['countRetry', 'retryDrain'] },
        'drain.done': { target: 'unbound', actions: { type: 'finishDrain', params: ({ context }) => ({ gen: context.gen }) } },
      },
    },
    unbound: {
      on: { 'pasid.bind': { target: 'bound', actions: ['nextGen', { type: 'bindNew', params: ({ context }) => ({ gen: context.gen }) }] } },
    },
    bound: { on: { 'pasid.resume': { target: 'active' } } },
  },
});
