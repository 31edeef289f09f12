// The iommu tier's plain-data state and its initial value: the PRQ producer, the IOTLB, the
// per-requester PRE bits (all off until the host enables IOPF for a device: cmd.ctxPri), the
// command queue with its ITag pool and the IOTLB invalidation executing at its head, and the
// counters stats() shows.

import { createPrqProducer, type PrqProducerState } from '../../src/queues/prq-producer.ts';
import type { Message } from '../../src/protocol/messages.ts';
import type { AddressSpace, DeviceFunctionConfig, IommuConfig } from '../../src/config/tier-configs.ts';
import { createOutboxes, type Outboxes } from '../../src/actor/outbox.ts';
import { createIotlb, type Iotlb } from './iotlb.ts';
import type { IotlbInvRunning } from './iotlb-inv.ts';

/** One issued ATC invalidation, by ITag. */
export interface ItagSlot {
  rid: number;
  /** Completion messages received for this ITag so far. */
  completions: number;
  /** When the invalidation went out (the time-out counts from here). */
  issuedAtNs: number;
}

export interface IommuCounters {
  atsRequests: number;
  atsHits: number;
  atsMisses: number;
  atsWalks: number;
  atsNotPresent: number;
  atsUnknownSpace: number;
  atsOutOfRange: number;
  /** ATS requests of a space whose PASID entry is off the guest's stage 1 (detached, or on the nesting parent): no access. */
  atsS1Off: number;
  /** cmd.pasidEntry executed. */
  pasidEntryChanges: number;
  prqQueued: number;
  irqsRaised: number;
  dropFull: number;
  dropOverflow: number;
  dropPriDisabled: number;
  dropStopMarkerOnOverflow: number;
  autoResponseSuccess: number;
  autoResponseInvalid: number;
  implicitInvalidations: number;
  responsesForwarded: number;
  responsesPasidStripped: number;
  badCommands: number;
  iotlbInvalidations: number;
  iotlbEntriesInvalidated: number;
  /** IOTLB invalidations that took iotlbInvLatencyNs at the queue head (iotlb-inv.ts). */
  iotlbInvsTimed: number;
  /** ATS requests answered from an IOTLB entry whose invalidation was executing. */
  atsHitsDuringIotlbInv: number;
  devtlbInvalidations: number;
  devtlbCompleted: number;
  itagStalls: number;
  unexpectedAtcCompletions: number;
  waitsDone: number;
  /** ATC invalidations that timed out (ITag freed, ITE reported), and waits that reported ITE. */
  atcInvTimeouts: number;
  waitsWithIte: number;
  /** cmd.ctxPri executed (PRE set / cleared), each forwarded to the device as pci.priCtl. */
  preEnables: number;
  preDisables: number;
  registerWrites: number;
  registerReads: number;
  registerWritesReadOnly: number;
  registerUnknown: number;
}

/** A configured address space and its slot: its index in IommuState.spaceList. */
export interface IommuSpace {
  space: AddressSpace;
  slot: number;
}

export interface IommuState {
  cfg: IommuConfig;
  /** spaceKey(rid, pasid|none) → address space, with its slot. */
  spaces: Map<number | string, IommuSpace>;
  /** The spaces by slot (the IOTLB's small keys carry the slot: iotlb.ts). */
  spaceList: IommuSpace[];
  /**
   * spaceKey of the spaces whose PASID entry the host moved off the guest's stage 1 (cmd.pasidEntry): they are
   * not translated through guest.s1 any more. Empty at start: every space translates nested from the outset.
   */
  s1Off: Set<number | string>;
  /** rid → function config (PRG Response PASID Required). */
  functions: Record<number, DeviceFunctionConfig>;
  /** rid → context-entry PRE bit (absent or false: PRI reception off). */
  priEnabled: Record<number, boolean>;
  prq: PrqProducerState;
  iotlb: Iotlb;
  /** Commands accepted but not yet executed: the queue stalls behind its head. */
  cmdQueue: Message[];
  /** The IOTLB invalidation executing at the head of cmdQueue (iotlbInvLatencyNs > 0), else null. */
  iotlbInvRunning: IotlbInvRunning | null;
  /** True while the head of cmdQueue is a device-TLB invalidation waiting for an ITag. */
  stalledOnItag: boolean;
  itags: (ItagSlot | null)[];
  /** The ATC invalidation time-out watchdog (command-queue.ts) has a timer set. */
  watchArmed: boolean;
  /** ATC invalidations timed out since the last completed wait: the next wait reports ITE. */
  iteSinceWait: number;
  /** ATS completions computed and waiting for atsLatencyNs (ats.ts). */
  atsDelayed: number;
  n: IommuCounters;
  outboxes: Outboxes;
}

/**
 * (rid, pasid|none) as one key, looked up per ATS and page request: with p = pasid + 1 (0 for
 * none), -(p * 2^16 + rid) - 1 while p < 2^14 - 1, a negative small integer (no heap number
 * allocated and hashed as a double per lookup; issue 9); rid * 2^21 + p (non-negative) for wider
 * PASIDs; text when a field does not fit.
 */
export function spaceKey(rid: number, pasid: number | null): number | string {
  if (rid === (rid & 0xffff) && (pasid === null || (pasid === (pasid & 0x3fff) && pasid < 0x3ffe))) return -((pasid === null ? 0 : pasid + 1) * 0x10000 + rid) - 1;
  if (rid === (rid & 0xffff) && (pasid === null || pasid === (pasid & 0xfffff))) return rid * 0x200000 + (pasid === null ? 0 : pasid + 1);
  return pasid === null ? `${rid}/-` : `${rid}/${pasid}`;
}

function zeroCounters(): IommuCounters {
  return {
    atsRequests: 0,
    atsHits: 0,
    atsMisses: 0,
    atsWalks: 0,
    atsNotPresent: 0,
    atsUnknownSpace: 0,
    atsOutOfRange: 0,
    atsS1Off: 0,
    pasidEntryChanges: 0,
    prqQueued: 0,
    irqsRaised: 0,
    dropFull: 0,
    dropOverflow: 0,
    dropPriDisabled: 0,
    dropStopMarkerOnOverflow: 0,
    autoResponseSuccess: 0,
    autoResponseInvalid: 0,
    implicitInvalidations: 0,
    responsesForwarded: 0,
    responsesPasidStripped: 0,
    badCommands: 0,
    iotlbInvalidations: 0,
    iotlbEntriesInvalidated: 0,
    iotlbInvsTimed: 0,
    atsHitsDuringIotlbInv: 0,
    devtlbInvalidations: 0,
    devtlbCompleted: 0,
    itagStalls: 0,
    unexpectedAtcCompletions: 0,
    waitsDone: 0,
    atcInvTimeouts: 0,
    waitsWithIte: 0,
    preEnables: 0,
    preDisables: 0,
    registerWrites: 0,
    registerReads: 0,
    registerWritesReadOnly: 0,
    registerUnknown: 0,
  };
}

export function initIommu(cfg: IommuConfig): IommuState {
  // A later space with the same (rid, pasid) replaces the earlier one, in its slot.
  const spaces = new Map<number | string, IommuSpace>();
  const spaceList: IommuSpace[] = [];
  for (const sp of cfg.spaces) {
    const key = spaceKey(sp.rid, sp.pasid);
    const known = spaces.get(key);
    if (known !== undefined) known.space = sp;
    else {
      const entry = { space: sp, slot: spaceList.length };
      spaceList.push(entry);
      spaces.set(key, entry);
    }
  }
  const functions: Record<number, DeviceFunctionConfig> = {};
  const priEnabled: Record<number, boolean> = {};
  // PRE starts clear: the host sets it when a fault-capable hwpt is first attached (cmd.ctxPri).
  for (const fn of cfg.functions) {
    functions[fn.rid] = fn;
    priEnabled[fn.rid] = false;
  }
  return {
    cfg,
    spaces,
    spaceList,
    s1Off: new Set(),
    functions,
    priEnabled,
    prq: createPrqProducer(cfg.prqEntries),
    iotlb: createIotlb(cfg.iotlbEntries),
    cmdQueue: [],
    iotlbInvRunning: null,
    stalledOnItag: false,
    itags: Array.from({ length: cfg.itagsMax }, () => null),
    watchArmed: false,
    iteSinceWait: 0,
    atsDelayed: 0,
    n: zeroCounters(),
    outboxes: createOutboxes(),
  };
}

/** Whether a PRG response to `rid` carries the PASID: the request had one and the function requires it. */
export function responseCarriesPasid(s: IommuState, rid: number, pasidPresent: boolean): boolean {
  return pasidPresent && s.functions[rid]?.prgResponsePasidRequired === true;
}
