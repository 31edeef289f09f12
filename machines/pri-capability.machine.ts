// The PRI capability of one physical function, shared by the PF and all its VFs (PCIe: one
// PRI interface per device; a Response Failure for any of them stops it for all, R16):
// disabled → enabled → failed (Response Failure received: RF status bit set, no more page
// requests) → stopped (software cleared Enable) → reset (software cleared RF/UPRGI and reset
// the outstanding-request state) → disabled → enabled again. Enabling while RF is still set
// is refused, so "enabled" never coexists with RF. UPRGI (a response for a PRGI with
// nothing outstanding) is a sticky status bit in any state. Registers: pci_regs.h PCI_PRI_*
// (iopf-domain.md §1.3).

import { assign, not, setup } from 'xstate';

export interface PriCapabilityContext {
  /** Status.RF: a Response Failure was received since the last reset. */
  rf: boolean;
  /** Status.UPRGI: a response named a PRGI with no outstanding group. */
  uprgi: boolean;
}

export type PriCapabilityEvent =
  /** Software sets Control.Enable. */
  | { type: 'pri.enable' }
  /** A PRG Response with code Response Failure (0xF) arrived for the PF or one of its VFs. */
  | { type: 'pri.responseFailure' }
  /** Software clears Control.Enable. */
  | { type: 'pri.disable' }
  /** Software clears RF/UPRGI (write 1 to clear) and writes Control.Reset while disabled. */
  | { type: 'pri.reset' }
  /** A response for a PRGI with no outstanding group. */
  | { type: 'pri.unexpectedPrgi' };

export const priCapabilityMachine = setup({
  types: {} as { context: PriCapabilityContext; events: PriCapabilityEvent },
  actions: {
    /** Page requests may be sent again for the PF and its VFs. */
    priUp: () => {},
    /** No more page requests for the PF and its VFs; accesses needing PRI fail. */
    priDown: (_, _params: { reason: 'responseFailure' | 'disabled' }) => {},
    /** Enable refused: RF is still set (software must reset first). */
    enableRefused: () => {},
    setRf: assign({ rf: true }),
    setUprgi: assign({ uprgi: true }),
    clearStatus: assign({ rf: false, uprgi: false }),
  },
  guards: {
    rfSet: ({ context }) => context.rf,
  },
}).createMachine({
  id: 'priCapability',
  context: { rf: false, uprgi: false },
  initial: 'disabled',
  on: { 'pri.unexpectedPrgi': { actions: 'setUprgi' } },
  states: {
    disabled: {
      // Only reachable with RF clear (initially, or through reset), so enable needs no guard.
      on: {
        'pri.enable': { target: 'enabled', actions: 'priUp' },
        'pri.reset': { actions: 'clearStatus' },
      },
    },
    enabled: {
      on: {
        'pri.responseFailure': {
          target: 'failed',
          actions: ['setRf', { type: 'priDown', params: { reason: 'responseFailure' } }],
        },
        'pri.disable': { target: 'stopped', actions: { type: 'priDown', params: { reason: 'disabled' } } },
      },
    },
    failed: {
      on: {
        // Already down: a further failure response only keeps RF set.
        'pri.responseFailure': { actions: 'setRf' },
        'pri.disable': 'stopped',
      },
    },
    stopped: {
      on: {
        'pri.reset': { target: 'disabled', actions: 'clearStatus' },
        'pri.enable': [{ guard: not('rfSet'), target: 'enabled', actions: 'priUp' }, { actions: 'enableRefused' }],
      },
    },
  },
});
