// The device's page request group (PRG) lifecycle, one instance per group raised:
// filling (its page requests going out, same PRGI, L=1 only on the final one) →
// waitingResponse (credits held, exactly one PRG Response owed) → done: success | invalid |
// failure. PCIe PRI: only the group is answered; Success means "retry the translation",
// Invalid means the access fails, Response Failure stops PRI (iopf-domain.md §1.1–§1.3).
// Effects are data for the device actor shell: it sends, releases credits, retries or fails.

import { assign, setup } from 'xstate';

export type PrgOutcome = 'success' | 'invalid' | 'failure';

export interface PrgContext {
  /** Pages in this group (1..pagesPerGroup), fixed at creation. */
  pagesTotal: number;
  /** Page requests sent so far. */
  pagesSent: number;
}

export interface PrgInput {
  pagesTotal: number;
}

export type PrgEvent =
  /** One page request of the group left the device; `last` is its L bit. */
  | { type: 'prg.page'; last: boolean }
  /** The PRG Response for this group arrived (already matched by RID, PRGI and PASID). */
  | { type: 'prg.response'; outcome: PrgOutcome };

export const prgMachine = setup({
  types: {} as { context: PrgContext; events: PrgEvent; input: PrgInput },
  actions: {
    /** The shell's bug: L set on a non-final page, or a page after the final one. */
    lastFlagViolation: (_, _params: { pagesSent: number; pagesTotal: number }) => {},
    /** Credits of every page of the group return to the function (any response code). */
    releaseCredits: (_, _params: { pages: number }) => {},
    /** Success: every page of the group re-issues its ATS translation request. */
    retryTranslations: () => {},
    /** Invalid Request: the accesses waiting on the group fail; no retry. */
    failAccesses: () => {},
    /** Response Failure: PRI stops for the function's PF and all its VFs. */
    priFailure: () => {},
    countPage: assign({ pagesSent: ({ context }) => context.pagesSent + 1 }),
  },
  guards: {
    isFinalPage: ({ context, event }) => event.type === 'prg.page' && event.last && context.pagesSent + 1 === context.pagesTotal,
    isInnerPage: ({ context, event }) => event.type === 'prg.page' && !event.last && context.pagesSent + 1 < context.pagesTotal,
    outcomeIs: ({ event }, params: { outcome: PrgOutcome }) => event.type === 'prg.response' && event.outcome === params.outcome,
  },
}).createMachine({
  id: 'prg',
  context: ({ input }) => ({ pagesTotal: input.pagesTotal, pagesSent: 0 }),
  initial: 'filling',
  states: {
    filling: {
      on: {
        'prg.page': [
          { guard: 'isFinalPage', target: 'waitingResponse', actions: 'countPage' },
          { guard: 'isInnerPage', actions: 'countPage' },
          {
            actions: {
              type: 'lastFlagViolation',
              params: ({ context }) => ({ pagesSent: context.pagesSent, pagesTotal: context.pagesTotal }),
            },
          },
        ],
      },
    },
    waitingResponse: {
      exit: { type: 'releaseCredits', params: ({ context }) => ({ pages: context.pagesTotal }) },
      on: {
        'prg.page': {
          actions: {
            type: 'lastFlagViolation',
            params: ({ context }) => ({ pagesSent: context.pagesSent, pagesTotal: context.pagesTotal }),
          },
        },
        'prg.response': [
          { guard: { type: 'outcomeIs', params: { outcome: 'success' } }, target: 'success', actions: 'retryTranslations' },
          { guard: { type: 'outcomeIs', params: { outcome: 'invalid' } }, target: 'invalid', actions: 'failAccesses' },
          { target: 'failure', actions: 'priFailure' },
        ],
      },
    },
    success: { type: 'final' },
    invalid: { type: 'final' },
    failure: { type: 'final' },
  },
});
