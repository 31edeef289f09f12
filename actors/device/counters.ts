// The device tier's counters: what happened to accesses, translations, page request groups
// and responses, and every inbound message the device ignored, by reason (nothing is dropped
// silently). Plain numbers so stats() can hand them to the summary as they are.

export type AccessFailure = 'invalid' | 'priFailed' | 'priDisabled';

/** Why an open-loop arrival was never issued (backlog.ts). */
export type ArrivalDropReason =
  /** Its address space had no free slot and its backlog held workload.backlogMax arrivals already. */
  | 'backlogFull'
  /** Its function was removed: it issues no more DMA. */
  | 'functionRemoved';

export interface ArrivalCounters {
  /** Open-loop arrivals generated (by a process or read from a trace). */
  generated: number;
  /** Issued at once on a free slot. */
  issuedAtOnce: number;
  /** Put in the space's backlog (no free slot, PRI not enabled yet, or the PASID stopped). */
  backlogged: number;
  /** Taken from a backlog onto a slot. */
  issuedFromBacklog: number;
  /** Peak backlog length of any one space. */
  backlogPeak: number;
  dropped: Record<ArrivalDropReason, number>;
  /** Trace rows at or after the end of the run (durationMs), not replayed. */
  traceRowsNotReplayed: number;
}

export type DropReason =
  /** PRG Response for a PRGI with no outstanding group (UPRGI set). */
  | 'prgRespUnexpectedPrgi'
  /** PRG Response without the required PASID or with another one (UPRGI set). */
  | 'prgRespPasidMismatch'
  | 'prgRespUnknownRid'
  | 'atsCplUnknownTag'
  /** Completion of a translation invalidated while in flight: not cached, not used. */
  | 'atsCplStale'
  | 'atcInvUnknownRid'
  /** PRI Control write for a RID this device does not have. */
  | 'priCtlUnknownRid';

export interface DeviceCounters {
  accessesStarted: number;
  dmaOk: number;
  dmaFailed: Record<AccessFailure, number>;
  atcHits: number;
  atcMisses: number;
  atcEvictions: number;
  atcInvalidated: number;
  atsRequests: number;
  atsCompletions: number;
  /** Translations of the non-faulting pages of a group answered Success. */
  prefetchTranslations: number;
  /** Prefetch translations that came back without any permission (nothing cached). */
  prefetchDenied: number;
  /** Page request groups raised. */
  faults: number;
  pageRequests: number;
  responses: { success: number; invalid: number; failure: number; reserved: number };
  /** Accesses re-translating after a Success response. */
  retries: number;
  /** Retried accesses whose translation faulted again. */
  refaults: number;
  unexpectedPrgi: number;
  responsePasidMismatch: number;
  /** Accesses that had to wait for PRI credits / for a free PRGI. */
  creditWaits: number;
  prgiWaits: number;
  atcInvs: number;
  /** ATC invalidations whose completion waited for in-flight DMA using the entries / for atcInvDelayNs. */
  atcInvsWaitedForDma: number;
  atcInvsDelayed: number;
  /** Invalidate Completions sent; invalidations never answered (ignoresAtcInv). */
  atcInvCompletions: number;
  atcInvsIgnored: number;
  /** Bug 'atc-keeps-raced-translation': raced completions cached and used anyway. */
  racedTranslationsKept: number;
  /** PRI Control Enable writes received (pci.priCtl), by value. */
  priCtlEnables: number;
  priCtlDisables: number;
  /** Enable writes the capability refused because RF was still set (software must reset PRI first). */
  priEnableRefused: number;
  /** Function resets / removals completed (reset.ts). */
  resetsCompleted: number;
  dropped: Record<DropReason, number>;
  arrivals: ArrivalCounters;
}

export function createCounters(): DeviceCounters {
  return {
    accessesStarted: 0,
    dmaOk: 0,
    dmaFailed: { invalid: 0, priFailed: 0, priDisabled: 0 },
    atcHits: 0,
    atcMisses: 0,
    atcEvictions: 0,
    atcInvalidated: 0,
    atsRequests: 0,
    atsCompletions: 0,
    prefetchTranslations: 0,
    prefetchDenied: 0,
    faults: 0,
    pageRequests: 0,
    responses: { success: 0, invalid: 0, failure: 0, reserved: 0 },
    retries: 0,
    refaults: 0,
    unexpectedPrgi: 0,
    responsePasidMismatch: 0,
    creditWaits: 0,
    prgiWaits: 0,
    atcInvs: 0,
    atcInvsWaitedForDma: 0,
    atcInvsDelayed: 0,
    atcInvCompletions: 0,
    atcInvsIgnored: 0,
    racedTranslationsKept: 0,
    priCtlEnables: 0,
    priCtlDisables: 0,
    priEnableRefused: 0,
    resetsCompleted: 0,
    dropped: {
      prgRespUnexpectedPrgi: 0,
      prgRespPasidMismatch: 0,
      prgRespUnknownRid: 0,
      atsCplUnknownTag: 0,
      atsCplStale: 0,
      atcInvUnknownRid: 0,
      priCtlUnknownRid: 0,
    },
    arrivals: { generated: 0, issuedAtOnce: 0, backlogged: 0, issuedFromBacklog: 0, backlogPeak: 0, dropped: { backlogFull: 0, functionRemoved: 0 }, traceRowsNotReplayed: 0 },
  };
}
