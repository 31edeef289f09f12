// The guest driver's lifecycle of one page request group it received on the vPRQ:
// received (grouped by its IOPF core) → handling (the fault handler runs for handlerCostNs;
// `armHandler` asks the shell for the timer) → answered (the `respond` effect: one page group
// response with the handler's code, Success only if every page was mapped).

import { assign, setup } from 'xstate';

export interface GuestGroupContext {
  faults: number;
  pagesMapped: number;
  code: number;
}

export type GuestGroupEvent = { type: 'handle.start' } | { type: 'handle.done'; code: 0 | 1; pagesMapped: number };

export interface GuestGroupInput {
  faults: number;
}

export const guestGroupMachine = setup({
  types: {} as { context: GuestGroupContext; events: GuestGroupEvent; input: GuestGroupInput },
  actions: {
    armHandler: () => {},
    respond: (_, _params: { code: number }) => {},
  },
}).createMachine({
  id: 'guest-group',
  context: ({ input }) => ({ faults: input.faults, pagesMapped: 0, code: -1 }),
  initial: 'received',
  states: {
    received: {
      on: { 'handle.start': { target: 'handling', actions: 'armHandler' } },
    },
    handling: {
      on: {
        'handle.done': {
          target: 'answered',
          actions: [assign({ code: ({ event }) => event.code, pagesMapped: ({ event }) => event.pagesMapped }), { type: 'respond', params: ({ context }) => ({ code: context.code }) }],
        },
      },
    },
    answered: { type: 'final' },
  },
});
