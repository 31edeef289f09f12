// The host's lifecycle of one page request group, from its first request to its one
// response: partial (requests of a PRGI before the last) → pending (grouped, on the fault
// object's deliver list) → delivered (read by user space, cookie assigned) → answered (user
// write) | autoAnswered (detach, replace, fault-object destroy, device removal). A partial
// set whose last request never comes is discarded (PRO cleared, device removed).
// The one response is the `respond` effect; device removal answers in the core itself, so it
// ends the group without an effect.

import { assign, setup } from 'xstate';

export type AutoReason = 'detach' | 'replace' | 'destroy';

export interface HostGroupContext {
  faults: number;
  /** iommufd cookie, 0 until read. */
  cookie: number;
  /** Who answered: none yet, the user's write, an iommufd auto-response, or the core (device removed). */
  answeredBy: 'none' | 'user' | 'auto' | 'core';
  code: number;
}

export type HostGroupEvent =
  | { type: 'req.partial' }
  | { type: 'req.last' }
  | { type: 'partial.discard' }
  | { type: 'fault.read'; cookie: number }
  | { type: 'user.respond'; code: 0 | 1 }
  | { type: 'auto.respond'; reason: AutoReason }
  | { type: 'device.removed' };

/** Linux-internal INVALID (iommu_page_response_code). */
const CODE_INVALID = 1;

export const hostFaultGroupMachine = setup({
  types: {} as { context: HostGroupContext; events: HostGroupEvent },
  actions: {
    respond: (_, _params: { code: number }) => {},
  },
}).createMachine({
  id: 'host-fault-group',
  context: { faults: 0, cookie: 0, answeredBy: 'none', code: -1 },
  initial: 'partial',
  states: {
    partial: {
      on: {
        'req.partial': { actions: assign({ faults: ({ context }) => context.faults + 1 }) },
        'req.last': { target: 'pending', actions: assign({ faults: ({ context }) => context.faults + 1 }) },
        'partial.discard': { target: 'discarded' },
        'device.removed': { target: 'discarded' },
      },
    },
    pending: {
      on: {
        'fault.read': { target: 'delivered', actions: assign({ cookie: ({ event }) => event.cookie }) },
        'auto.respond': {
          target: 'autoAnswered',
          actions: [assign({ answeredBy: 'auto', code: CODE_INVALID }), { type: 'respond', params: { code: CODE_INVALID } }],
        },
        'device.removed': { target: 'autoAnswered', actions: assign({ answeredBy: 'core', code: CODE_INVALID }) },
      },
    },
    delivered: {
      on: {
        'user.respond': {
          target: 'answered',
          actions: [assign({ answeredBy: 'user', code: ({ event }) => event.code }), { type: 'respond', params: ({ context }) => ({ code: context.code }) }],
        },
        'auto.respond': {
          target: 'autoAnswered',
          actions: [assign({ answeredBy: 'auto', code: CODE_INVALID }), { type: 'respond', params: { code: CODE_INVALID } }],
        },
        'device.removed': { target: 'autoAnswered', actions: assign({ answeredBy: 'core', code: CODE_INVALID }) },
      },
    },
    answered: { type: 'final' },
    autoAnswered: { type: 'final' },
    discarded: { type: 'final' },
  },
});
