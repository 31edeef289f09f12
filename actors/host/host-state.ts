// The host tier's plain-data state: the PRQ consumer (IRQ thread), the IOPF core, the
// iommufd object table, the per-group lifecycles and the counters the summary shows.

import type { MachineState } from '../../src/machines/index.ts';
import { createGroupIdTable, createIopfCore, type IopfCoreState } from '../../src/iopf/core.ts';
import type { DirectMap } from '../../src/util/direct-map.ts';
import { createPrqConsumer, hostPrqRegisters, type PrqConsumerState } from '../../src/queues/prq-consumer.ts';
import type { HostConfig } from '../../src/config/tier-configs.ts';
import type { HostGroupContext } from '../../machines/host-fault-group.machine.ts';
import { createHopStamps, type HopStamps } from '../../src/metrics/hop-stamps.ts';
import { createOutboxes, type Outboxes } from '../../src/actor/outbox.ts';
import { createHostInvState, type HostInvState } from './invalidate.ts';
import { createHostPasids, type HostPasids } from './pasid-reuse.ts';
import { createHostTimeline, type HostTimeline } from './timeline.ts';
import { createUfdState, type UfdState } from './ufd-objects.ts';

export interface HostStats {
  malformed: Record<string, number>;
  stopMarkers: number;
  badRequestsAnswered: number;
  groupsDelivered: number;
  groupsAnsweredByUser: number;
  autoAnswered: Record<string, number>;
  partialSetsDiscarded: number;
  staleGroupsDropped: number;
  userResponsesToAnsweredGroups: number;
  pollins: number;
  /** close() of a fault fd while its object still held groups (unread or read-but-unanswered). */
  fdClosedWithPending: number;
  /** cmd.ctxPri sent: IOPF enabled for a device (first fault-capable attach) / disabled (last one gone). */
  iopfEnables: number;
  iopfDisables: number;
  /** Fault-capable attaches of a PRI-capable VF refused with -EINVAL (iommufd_fault_iopf_enable). */
  iopfVfRefused: number;
  writeRecsIgnored: number;
  unexpectedMessages: Record<string, number>;
  syscalls: Record<string, { calls: number; ok: number; errno: Record<string, number> }>;
}

export interface HostLifecycles {
  /** Open partial sets by (rid, prgi) (group-life.ts partialKey), in opening order, as the core groups them. */
  partial: Map<number | string, MachineState<HostGroupContext>>;
  /** Groups by core group id, until their machine is done. */
  groups: DirectMap<MachineState<HostGroupContext>>;
  /** Final states reached, by state. */
  finals: Record<string, number>;
  /** Finished machine states for the next partial sets, and how many were ever made (group-life.ts). */
  free: MachineState<HostGroupContext>[];
  made: number;
}

export interface HostState {
  cfg: HostConfig;
  prq: PrqConsumerState;
  core: IopfCoreState;
  ufd: UfdState;
  life: HostLifecycles;
  /** HWPT_INVALIDATE calls and their entries (invalidate.ts). */
  inv: HostInvState;
  /** The scenario timeline's host actions (timeline.ts). */
  timeline: HostTimeline;
  /** PASID lifecycles of the timeline's pasidReuse (pasid-reuse.ts). */
  pasids: HostPasids;
  outboxes: Outboxes;
  stats: HostStats;
  /** Sampled per-hop stamps (src/report/hops.ts): group reported to the IOPF core, page response sent. */
  hops: { 'host.received': HopStamps; 'host.responded': HopStamps };
  /** True while a write() record's answer goes through the core: the page response passes the VMM's answer on (checker auto = false). */
  answeringForUser: boolean;
}

export function createHostState(cfg: HostConfig): HostState {
  return {
    cfg,
    prq: createPrqConsumer(cfg.prqEntries, hostPrqRegisters, cfg.bugs.includes('clear-pro-early')),
    core: createIopfCore(cfg.noHandlerResponse),
    ufd: createUfdState(cfg),
    life: { partial: new Map(), groups: createGroupIdTable(), finals: {}, free: [], made: 0 },
    inv: createHostInvState(),
    timeline: createHostTimeline(cfg),
    pasids: createHostPasids(cfg),
    outboxes: createOutboxes(),
    stats: {
      malformed: {},
      stopMarkers: 0,
      badRequestsAnswered: 0,
      groupsDelivered: 0,
      groupsAnsweredByUser: 0,
      autoAnswered: {},
      partialSetsDiscarded: 0,
      staleGroupsDropped: 0,
      userResponsesToAnsweredGroups: 0,
      pollins: 0,
      fdClosedWithPending: 0,
      iopfEnables: 0,
      iopfDisables: 0,
      iopfVfRefused: 0,
      writeRecsIgnored: 0,
      unexpectedMessages: {},
      syscalls: {},
    },
    hops: { 'host.received': createHopStamps(), 'host.responded': createHopStamps() },
    answeringForUser: false,
  };
}

export function bump(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}
