// The device actor's state as plain data, and `init`, which checks the configuration and
// builds it: functions (ATC, PRI credits, PRGI table, PRI Control Enable as software wrote it),
// PF families (one shared PRI capability per PF and its VFs, disabled until software enables
// it), address spaces with their workload cursors, and access slots (`workload.inFlight` per
// address space, each running one access at a time; 'idle' until the workload starts).

import type { MachineState } from '../../src/machines/index.ts';
import { createHistogram, type Histogram } from '../../src/metrics/histogram.ts';
import { createHopStamps, type HopStamps } from '../../src/metrics/hop-stamps.ts';
import type { AddressSpace, DeviceConfig, DeviceFunctionConfig } from '../../src/config/tier-configs.ts';
import { fail } from '../../src/util/errors.ts';
import { zipfSampler, type ZipfSampler } from '../../src/util/zipf.ts';
import { groupPagesMax, isOpenLoop } from '../../src/config/workload.ts';
import { createStreams, type ArrivalStream } from './arrivals.ts';
import type { PendingArrival } from './backlog.ts';
import type { PrgContext } from '../../machines/prg.machine.ts';
import type { PriCapabilityContext } from '../../machines/pri-capability.machine.ts';
import { createOutboxes, type Outboxes } from '../../src/actor/outbox.ts';
import { createAtc, type Atc, type AtcReplacement } from './atc.ts';
import { createCounters, type DeviceCounters } from './counters.ts';
import type { PendingAtcInv } from './invalidate.ts';
import { priExec } from './machines.ts';
import { createDeviceRecordPool, type DeviceRecordPool } from './records.ts';
import { DirectMap } from '../../src/util/direct-map.ts';
import type { FnReset } from './reset.ts';
import type { PasidStop } from './pasid.ts';

/** 1024 direct slots for outstanding ATS tags: more than a device's accesses and prefetches in flight (the rest go to the table's Map). */
const ATS_TAG_BITS = 10;

/** Bug toggle (§1.4): the ATC caches a translation completion that raced an overlapping invalidation. */
export const BUG_ATC_KEEPS_RACED = 'atc-keeps-raced-translation';

/** PCIe PRG Index: 9 bits. */
export const PRGI_COUNT = 512;

/** Device-tier options beyond DeviceConfig (optional; defaults documented here). */
export interface DeviceTierOptions {
  /** ATC replacement policy; default 'lru'. */
  atcReplacement: AtcReplacement;
}

export type DeviceActorConfig = DeviceConfig & Partial<DeviceTierOptions>;

export interface PrgGroup {
  prgi: number;
  ghost: number;
  spaceIdx: number;
  firstPage: number;
  pages: number;
  write: boolean;
  sentAtNs: number;
  machine: MachineState<PrgContext>;
  /** Slots whose access waits on this group's response (emptied when PRI fails). */
  waiters: number[];
}

export interface FnState {
  cfg: DeviceFunctionConfig;
  familyIdx: number;
  atc: Atc;
  /** Page requests outstanding (sent, group not yet answered); at most priAllocation. */
  creditsUsed: number;
  /** Indexed by PRGI; null when the PRGI is free. */
  groups: (PrgGroup | null)[];
  groupsOutstanding: number;
  groupsRaised: number;
  /** Next PRGI to try: rotating, so a PRGI is reused as late as possible. */
  prgiCursor: number;
  /** Slots whose fault waits for credits or a PRGI, in arrival order. */
  waitQueue: number[];
  /** PRI Control Enable as last written for this function (pci.priCtl); false at reset. */
  priCtl: boolean;
}

export interface PriFamily {
  pfRid: number;
  fnIdxs: number[];
  cap: MachineState<PriCapabilityContext>;
}

export interface SpaceState {
  cfg: AddressSpace;
  fnIdx: number;
  started: number;
  nextPage: number;
  /** Incarnation of the PASID's address space (1; +1 each time the PASID is rebound to a new one). */
  pasidGen: number;
  /** The PASID is stopped (pasid.ts), until it is bound again. */
  stop?: PasidStop;
  /** Open loop: arrivals waiting for a free slot, oldest first (backlog.ts); at most workload.backlogMax. */
  backlog: PendingArrival[];
}

export type SlotPhase = 'idle' | 'translating' | 'waitingCredits' | 'faulted' | 'thinking' | 'stopped';

export interface Slot {
  spaceIdx: number;
  phase: SlotPhase;
  page: number;
  write: boolean;
  /** ATS tag of the outstanding translation (phase 'translating'). */
  tag: number;
  /** Ghost id of the group the access waits on (phase 'faulted'). */
  ghost: number;
  /** The access re-translated after a Success response. */
  retried: boolean;
  /** Phase 'thinking' after a successful access: its DMA is still using the translation of `page` (until device.think). */
  dma: boolean;
  /** Pages of the group this access raises, drawn when it faults (workload.pagesPerGroup). */
  groupPages: number;
}

export interface Translation {
  /** Slot of the access, or -1 for a prefetch of a group's other page. */
  owner: number;
  spaceIdx: number;
  page: number;
  write: boolean;
  /** An overlapping ATC invalidation arrived while in flight: never cache or use it. */
  stale: boolean;
  /** Outstanding (in `translations`); false while the record waits on the free list (records.ts). */
  live: boolean;
}

export interface DeviceState {
  cfg: DeviceActorConfig;
  fns: FnState[];
  fnByRid: Record<number, number>;
  families: PriFamily[];
  spaces: SpaceState[];
  slots: Slot[];
  /**
   * ATS tag → outstanding translation. Tags are handed out in sequence, so the outstanding ones
   * sit in a direct-mapped table's slots (no Map set and delete per request; issue 9). To walk
   * the outstanding ones, walk pool.translationsAll for the live records.
   */
  translations: DirectMap<Translation>;
  translationsOutstanding: number;
  /** Free group and translation records (records.ts). */
  pool: DeviceRecordPool;
  nextTag: number;
  nextGhost: number;
  outboxes: Outboxes;
  /** sys.start arrived: workloads may start (those of PRI functions only once PRI is enabled). */
  running: boolean;
  c: DeviceCounters;
  /** Function resets by fn index (reset.ts; absent: never reset). */
  resets: Record<number, FnReset>;
  /** ATC invalidations received and not answered yet (invalidate.ts). */
  atcInvs: PendingAtcInv[];
  nextAtcInvId: number;
  /** Bug toggle 'atc-keeps-raced-translation': a completion that raced an invalidation is cached anyway. */
  keepsRacedTranslation: boolean;
  /** Open loop (workload.arrival other than 'closed'): slots are fed by arrivals, not restarted after thinkNs. */
  openLoop: boolean;
  /** Open-loop arrival streams (arrivals.ts); empty for the closed loop. */
  streams: ArrivalStream[];
  /** The Zipf sampler of workload.pattern 'zipf' (null for other patterns). */
  zipf: ZipfSampler | null;
  faultRttNs: Histogram;
  /** Sampled per-hop stamps (src/report/hops.ts): first page request sent, response received. */
  hops: { 'dev.sent': HopStamps; 'dev.answered': HopStamps };
}

export function initDevice(cfg: DeviceActorConfig, self: string): DeviceState {
  checkConfig(cfg, self);
  const fnByRid: Record<number, number> = {};
  cfg.functions.forEach((f, i) => (fnByRid[f.rid] = i));
  const families: PriFamily[] = [];
  const fns = cfg.functions.map((f): FnState => {
    const pfRid = f.pfRid ?? f.rid;
    let familyIdx = families.findIndex((fam) => fam.pfRid === pfRid);
    if (familyIdx < 0) familyIdx = families.push({ pfRid, fnIdxs: [], cap: priExec.initial() }) - 1;
    families[familyIdx]!.fnIdxs.push(fnByRid[f.rid]!);
    return {
      cfg: f,
      familyIdx,
      atc: createAtc(f.atcEntries, cfg.atcReplacement ?? 'lru'),
      creditsUsed: 0,
      groups: new Array<PrgGroup | null>(PRGI_COUNT).fill(null),
      groupsOutstanding: 0,
      groupsRaised: 0,
      prgiCursor: 0,
      waitQueue: [],
      priCtl: false,
    };
  });
  const spaces = cfg.spaces.map((sp): SpaceState => ({ cfg: sp, fnIdx: fnByRid[sp.rid]!, started: 0, nextPage: 0, pasidGen: 1, backlog: [] }));
  const slots: Slot[] = [];
  spaces.forEach((_, spaceIdx) => {
    for (let i = 0; i < cfg.workload.inFlight; i++) {
      slots.push({ spaceIdx, phase: 'idle', page: 0, write: false, tag: 0, ghost: 0, retried: false, dma: false, groupPages: 0 });
    }
  });
  return {
    cfg,
    fns,
    fnByRid,
    families,
    spaces,
    slots,
    translations: new DirectMap(ATS_TAG_BITS),
    translationsOutstanding: 0,
    pool: createDeviceRecordPool(),
    nextTag: 0,
    nextGhost: 1,
    outboxes: createOutboxes(),
    running: false,
    c: createCounters(),
    resets: {},
    atcInvs: [],
    nextAtcInvId: 1,
    keepsRacedTranslation: cfg.bugs.includes(BUG_ATC_KEEPS_RACED),
    openLoop: isOpenLoop(cfg.workload.arrival),
    streams: createStreams(cfg, spaces),
    zipf: cfg.workload.pattern.kind === 'zipf' ? zipfSampler(cfg.workload.pages, cfg.workload.pattern.skew) : null,
    faultRttNs: createHistogram(),
    hops: { 'dev.sent': createHopStamps(), 'dev.answered': createHopStamps() },
  };
}

function checkConfig(cfg: DeviceActorConfig, self: string): void {
  const bad = (what: string): never => fail('FAULTLINE_DEVICE_CONFIG', `device '${self}': ${what}`);
  const w = cfg.workload;
  const rids = new Set<number>();
  for (const f of cfg.functions) {
    if (rids.has(f.rid)) bad(`function RID ${f.rid} listed twice`);
    rids.add(f.rid);
    // A group needs all its credits at once: fewer would leave the fault waiting forever.
    if (f.priAllocation > 0 && f.priAllocation < groupPagesMax(w.pagesPerGroup)) {
      bad(`RID ${f.rid}: priAllocation ${f.priAllocation} < pagesPerGroup ${groupPagesMax(w.pagesPerGroup)}`);
    }
  }
  for (const sp of cfg.spaces) if (!rids.has(sp.rid)) bad(`address space ${sp.asid} names unknown RID ${sp.rid}`);
  if (typeof w.pagesPerGroup === 'number' && !(w.pagesPerGroup >= 1)) bad(`pagesPerGroup ${w.pagesPerGroup} < 1`);
  if (!(w.pages >= 1 && w.pages <= cfg.pagesPerAsid)) bad(`workload.pages ${w.pages} outside 1..pagesPerAsid (${cfg.pagesPerAsid})`);
  if (!(w.inFlight >= 0)) bad(`workload.inFlight ${w.inFlight} < 0`);
  if (!(w.thinkNs >= 0)) bad(`workload.thinkNs ${w.thinkNs} < 0`);
  const a = w.arrival;
  if (a !== undefined && a.process !== 'closed' && a.process !== 'trace' && !(a.ratePerSec > 0)) bad(`workload.arrival.ratePerSec ${a.ratePerSec} <= 0`);
  if (a?.process === 'trace')
    for (const row of a.rows) if (!(row.asid >= 0 && row.asid < cfg.spaces.length && row.page >= 0 && row.page < w.pages)) bad(`trace row ${JSON.stringify(row)} outside the address spaces or pages`);
  if (w.pattern.kind === 'strided' && !(w.pattern.stride >= 1)) bad(`workload.pattern.stride ${w.pattern.stride} < 1`);
  if (w.pattern.kind === 'zipf' && !(w.pattern.skew > 0)) bad(`workload.pattern.skew ${w.pattern.skew} <= 0`);
}
