// The vmm tier's plain-data state: the iommufd objects it created, the serialised syscall
// queue, the virtual PRQ producer, the forwarded faults it still owes the host an answer
// for (each a forwarded-fault machine state), and the counters stats() shows.

import type { ForwardedFaultContext } from '../../machines/forwarded-fault.machine.ts';
import type { MachineState } from '../../src/machines/index.ts';
import { createPrqProducer, type PrqProducerState } from '../../src/queues/prq-producer.ts';
import type { AddressSpace, VmmConfig } from '../../src/config/tier-configs.ts';
import { createHopStamps, type HopStamps } from '../../src/metrics/hop-stamps.ts';
import { createOutboxes, type Outboxes } from '../../src/actor/outbox.ts';
import { createVmmInvState, type VmmInvEntry, type VmmInvState } from './invalidate.ts';
import { createReconfState, type ReconfJob, type ReconfState } from './reconfigure.ts';
import { createVmmRecordPool, type ReadRecord, type VmmRecordPool } from './records.ts';
import { createSpaceIndex, spaceOfGuestPair, spaceOfHostPair, type SpaceIndex } from '../space-index.ts';

export const BUG_PRGI_ONLY_MATCH = 'vmm-prgi-only-match';
export const BUG_VPRQ_DROP_LEAKS_COOKIE = 'vprq-drop-leaks-cookie';

/** What a syscall is for, so its result lands in the right place. */
export type CallPurpose =
  | { kind: 'faultQueueAlloc' }
  | { kind: 'hwptAlloc'; asid: number }
  | { kind: 'attach'; asid: number }
  /** READ of fault fd `fd` (a0). */
  | { kind: 'read'; fd: number }
  /**
   * WRITE on fd a0. Each record with its group's ghost id (simulator-only, for hop stamps; never
   * written to the host) and the address space it answers (-1: none), so a teardown can drop it.
   */
  | { kind: 'write'; records: { cookie: number; code: number; ghost: number; fd: number; asid: number }[] }
  /** One call of a timeline reconfiguration (reconfigure.ts). */
  | { kind: 'reconf'; job: ReconfJob }
  /** HWPT_INVALIDATE number `index` (from 1, in queue order) with its VTD_S1 entries (invalidate.ts). */
  | { kind: 'invalidate'; index: number; entries: VmmInvEntry[] };

export interface Syscall {
  seq: number;
  op: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  purpose: CallPurpose;
  /** READ: the records returned so far, decoded as they arrive, before its ufd.ret, each with its group's ghost id (simulator-only). */
  records: ReadRecord[];
}

/** One group read from the fault fd whose host answer the VMM owes (LAST record seen). */
export interface ForwardedFault {
  devId: number;
  pasid: number | null;
  prgi: number;
  cookie: number;
  /** The group's simulator-only ghost id (hop stamps only). */
  ghost: number;
  m: MachineState<ForwardedFaultContext>;
  /** The fault fd the group was read from (its cookie belongs to that fault object). */
  fd: number;
  /** The address space (asid) it belongs to. */
  asid: number;
}

export interface VmmCounters {
  setupErrors: number;
  reads: number;
  readsFullBatch: number;
  emptyReads: number;
  readLengthMismatches: number;
  recordsRead: number;
  unexpectedRecords: number;
  unmappedRecords: number;
  pollinUnknownFd: number;
  descsInjected: number;
  groupsInjected: number;
  vprqIrqs: number;
  vprqDropFull: number;
  vprqDropOverflow: number;
  autoAnswers: number;
  leakedCookies: number;
  guestResponses: number;
  guestFailures: number;
  guestBadCommands: number;
  unmatchedGuestResponses: number;
  pairsAnswered: number;
  /** WRITE calls queued (each is issued once). */
  writes: number;
  /** Response records handed to write() (first attempt). */
  writeRecords: number;
  /** Of those, records appended to a WRITE already waiting in the queue. */
  writeRecordsBatched: number;
  /** Most records one issued WRITE carried. */
  writeBatchMax: number;
  writeErrors: number;
  writeShort: number;
  /** Records the host consumed; refused (stale cookie: counted, not retried); written again after a refused one; lost to another error. */
  writeRecordsConsumed: number;
  writeRecordsRejected: number;
  writeRecordsResent: number;
  writeRecordsLost: number;
  guestInvalidationsNotForwarded: number;
  guestWaits: number;
  registerWrites: number;
  registerReads: number;
  registerBad: number;
}

export interface VmmState {
  cfg: VmmConfig;
  /** cfg.spaces by host pair and guest pair (looked up per record and per guest response). */
  spaceIndex: SpaceIndex;
  prgiOnlyMatch: boolean;
  leakOnDrop: boolean;
  /** 'running' until every setup call returned. */
  setup: 'idle' | 'running' | 'done' | 'failed';
  /** Index of the setup step in flight: 0 fault queue, 1..n hwpt alloc per space, n+1..2n attach per space. */
  setupStep: number;
  faultId: number;
  faultFd: number;
  /** asid → nested hwpt id (absent when its alloc failed). */
  hwpts: Record<number, number>;
  nextSeq: number;
  callQueue: Syscall[];
  inFlight: Syscall | null;
  /** Fault fds with a pollin that arrived while a read of them was queued or running: read once more afterwards. */
  rereadFds: number[];
  /** Fault fds the VMM has open and reads (the setup FAULTQ, then per-entry ones from replaceHwpt). */
  faultFds: number[];
  /** asid → the FAULTQ {fault_id, fd} its hwpt reports to (absent: none). */
  spaceFault: Record<number, { faultId: number; fd: number }>;
  /** Timeline reconfigurations (reconfigure.ts). */
  reconf: ReconfState;
  vprq: PrqProducerState;
  /** Forwarded faults owed an answer, oldest first; changed only through remembered-faults.ts. */
  faults: ForwardedFault[];
  /** `faults` by (dev_id, PASID|none), then by PRGI (remembered-faults.ts). */
  faultsByGroup: Map<number, ForwardedFault[][]>;
  /** Forgotten fault records for the next remembered ones, and how many were ever made (remembered-faults.ts). */
  faultPool: { free: ForwardedFault[]; made: number };
  /** Free read and response records (records.ts). */
  records: VmmRecordPool;
  /** Guest invalidations forwarded as HWPT_INVALIDATE and the guest's waits (invalidate.ts). */
  inv: VmmInvState;
  syscallsByOp: Record<string, number>;
  syscallErrorsByOp: Record<string, number>;
  errnos: Record<string, number>;
  n: VmmCounters;
  outboxes: Outboxes;
  /** Sampled per-hop stamps (src/report/hops.ts): group's last record read, WRITE with its response sent. */
  hops: { 'vmm.read': HopStamps; 'vmm.written': HopStamps };
}

function zeroCounters(): VmmCounters {
  return {
    setupErrors: 0,
    reads: 0,
    readsFullBatch: 0,
    emptyReads: 0,
    readLengthMismatches: 0,
    recordsRead: 0,
    unexpectedRecords: 0,
    unmappedRecords: 0,
    pollinUnknownFd: 0,
    descsInjected: 0,
    groupsInjected: 0,
    vprqIrqs: 0,
    vprqDropFull: 0,
    vprqDropOverflow: 0,
    autoAnswers: 0,
    leakedCookies: 0,
    guestResponses: 0,
    guestFailures: 0,
    guestBadCommands: 0,
    unmatchedGuestResponses: 0,
    pairsAnswered: 0,
    writes: 0,
    writeRecords: 0,
    writeRecordsBatched: 0,
    writeBatchMax: 0,
    writeErrors: 0,
    writeShort: 0,
    writeRecordsConsumed: 0,
    writeRecordsRejected: 0,
    writeRecordsResent: 0,
    writeRecordsLost: 0,
    guestInvalidationsNotForwarded: 0,
    guestWaits: 0,
    registerWrites: 0,
    registerReads: 0,
    registerBad: 0,
  };
}

export function initVmm(cfg: VmmConfig): VmmState {
  return {
    cfg,
    spaceIndex: createSpaceIndex(cfg.spaces),
    prgiOnlyMatch: cfg.bugs.includes(BUG_PRGI_ONLY_MATCH),
    leakOnDrop: cfg.bugs.includes(BUG_VPRQ_DROP_LEAKS_COOKIE),
    setup: 'idle',
    setupStep: 0,
    faultId: 0,
    faultFd: 0,
    hwpts: {},
    nextSeq: 1,
    callQueue: [],
    inFlight: null,
    rereadFds: [],
    faultFds: [],
    spaceFault: {},
    reconf: createReconfState(cfg),
    vprq: createPrqProducer(cfg.vprqEntries),
    faults: [],
    faultsByGroup: new Map(),
    faultPool: { free: [], made: 0 },
    records: createVmmRecordPool(),
    inv: createVmmInvState(),
    syscallsByOp: {},
    syscallErrorsByOp: {},
    errnos: {},
    n: zeroCounters(),
    outboxes: createOutboxes(),
    hops: { 'vmm.read': createHopStamps(), 'vmm.written': createHopStamps() },
  };
}

/** The address space of a host (dev_id, PASID|none) pair. */
export function spaceOfHost(s: VmmState, devId: number, pasid: number | null): AddressSpace | undefined {
  return spaceOfHostPair(s.spaceIndex, devId, pasid);
}

/** The address space the guest names by (vRID, vPASID|none). */
export function spaceOfGuest(s: VmmState, vrid: number, vpasid: number | null): AddressSpace | undefined {
  return spaceOfGuestPair(s.spaceIndex, vrid, vpasid);
}
