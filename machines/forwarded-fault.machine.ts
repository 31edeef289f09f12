// The VMM's forwarded fault: one page request group the VMM read from the host's fault fd
// (its cookie is known) and injected into the virtual PRQ, until the host group is answered.
//
//   read ──fault.inject(queued)──▶ injected ──fault.guestResponse──▶ answered
//     └──fault.inject(dropped)──▶ droppedOnInject ──fault.overflowAnswer [!leakOnDrop]──▶ autoAnswered
//                                   └──fault.guestResponse──▶ answered   (only while the cookie leaks)
//
// Every way out writes exactly one 8-byte response {cookie, code} (effect `writeResponse`),
// with an iommufd code (0 Success, 1 Invalid): a guest Response Failure (0xF), which iommufd
// cannot express, and any reserved guest code map to `failureCode`. With `leakOnDrop` (bug
// toggle vprq-drop-leaks-cookie, QEMU's behaviour, R20) a dropped group is never auto-answered.

import { assign, setup } from 'xstate';

export interface ForwardedFaultContext {
  cookie: number;
  devId: number;
  /** Host PASID, or null for a RID-only fault. */
  pasid: number | null;
  prgi: number;
  /** iommufd code written for a group the full vPRQ dropped. */
  overflowCode: number;
  /** iommufd code written for a guest Response Failure. */
  failureCode: number;
  leakOnDrop: boolean;
  /** The guest's PCIe code, once it answered. */
  guestCode: number | null;
}

export type ForwardedFaultInput = Omit<ForwardedFaultContext, 'guestCode'>;

export type ForwardedFaultEvent = { type: 'fault.inject'; queued: boolean } | { type: 'fault.overflowAnswer' } | { type: 'fault.guestResponse'; code: number };

export interface WriteResponseParams {
  cookie: number;
  code: number;
}

const PCIE_SUCCESS = 0;
const PCIE_INVALID = 1;

/** PCIe PRG response code → iommufd page response code. */
export function iommufdCodeOf(pcieCode: number, failureCode: number): number {
  if (pcieCode === PCIE_SUCCESS) return 0;
  if (pcieCode === PCIE_INVALID) return 1;
  return failureCode;
}

export const forwardedFaultMachine = setup({
  types: {} as { context: ForwardedFaultContext; events: ForwardedFaultEvent; input: ForwardedFaultInput },
  actions: {
    writeResponse: (_, _params: WriteResponseParams) => {},
  },
  guards: {
    queued: ({ event }) => event.type === 'fault.inject' && event.queued,
    autoAnswers: ({ context }) => !context.leakOnDrop,
  },
}).createMachine({
  id: 'forwardedFault',
  // Field by field, not a spread of `input`: one stable shape and no copy loop, once per group read (issue 9).
  context: ({ input }) => ({
    cookie: input.cookie,
    devId: input.devId,
    pasid: input.pasid,
    prgi: input.prgi,
    overflowCode: input.overflowCode,
    failureCode: input.failureCode,
    leakOnDrop: input.leakOnDrop,
    guestCode: null,
  }),
  initial: 'read',
  states: {
    read: {
      on: {
        'fault.inject': [{ guard: 'queued', target: 'injected' }, { target: 'droppedOnInject' }],
      },
    },
    injected: {
      on: {
        'fault.guestResponse': {
          target: 'answered',
          actions: [
            assign({ guestCode: ({ event }) => event.code }),
            { type: 'writeResponse', params: ({ context, event }) => ({ cookie: context.cookie, code: iommufdCodeOf(event.code, context.failureCode) }) },
          ],
        },
      },
    },
    droppedOnInject: {
      on: {
        'fault.overflowAnswer': {
          guard: 'autoAnswers',
          target: 'autoAnswered',
          actions: { type: 'writeResponse', params: ({ context }) => ({ cookie: context.cookie, code: context.overflowCode }) },
        },
        'fault.guestResponse': {
          target: 'answered',
          actions: [
            assign({ guestCode: ({ event }) => event.code }),
            { type: 'writeResponse', params: ({ context, event }) => ({ cookie: context.cookie, code: iommufdCodeOf(event.code, context.failureCode) }) },
          ],
        },
      },
    },
    answered: { type: 'final' },
    autoAnswered: { type: 'final' },
  },
});

/** Event variants that take every branch (used by the graph test). */
export const forwardedFaultEvents: ForwardedFaultEvent[] = [
  { type: 'fault.inject', queued: true },
  { type: 'fault.inject', queued: false },
  { type: 'fault.overflowAnswer' },
  { type: 'fault.guestResponse', code: 0 },
  { type: 'fault.guestResponse', code: 1 },
  { type: 'fault.guestResponse', code: 0xf },
];
