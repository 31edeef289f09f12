// The guest tier's plain-data state: its vPRQ consumer, its own IOPF core, one guest-group
// machine per group being handled, and the counters the summary shows.

import { createGroupIdTable, createIopfCore, type IopfCoreState } from '../../src/iopf/core.ts';
import type { DirectMap } from '../../src/util/direct-map.ts';
import type { MachineState } from '../../src/machines/index.ts';
import { createPrqConsumer, guestPrqRegisters, type PrqConsumerState } from '../../src/queues/prq-consumer.ts';
import type { GuestConfig } from '../../src/config/tier-configs.ts';
import type { GuestGroupContext } from '../../machines/guest-group.machine.ts';
import { createHopStamps, type HopStamps } from '../../src/metrics/hop-stamps.ts';
import { createOutboxes, type Outboxes } from '../../src/actor/outbox.ts';
import { createGuestPause, type GuestPause } from './pause.ts';
import { createGuestTimeline, type GuestTimeline } from './timeline.ts';
import { createGuestUnmapState, type GuestUnmapState } from './unmap.ts';
import { createSpaceIndex, type SpaceIndex } from '../space-index.ts';

export interface GuestStats {
  malformed: Record<string, number>;
  stopMarkers: number;
  badRequestsAnswered: number;
  groupsHandled: number;
  pagesMapped: number;
  pagesAlreadyMapped: number;
  pagesUnmappable: number;
  overflowDiscardRounds: number;
  handlerTimersStale: number;
  unexpectedMessages: Record<string, number>;
}

export interface GuestState {
  cfg: GuestConfig;
  /** cfg.spaces by (vRID, vPASID|none), asid and vRID (looked up per descriptor and per group). */
  spaceIndex: SpaceIndex;
  prq: PrqConsumerState;
  core: IopfCoreState;
  /** Machines of groups not answered yet, by core group id. */
  groups: DirectMap<MachineState<GuestGroupContext>>;
  /** Answered groups' machine states for the next groups, and how many were ever made (guest-driver.ts). */
  groupPool: { free: MachineState<GuestGroupContext>[]; made: number };
  /** The unmap workload and its outstanding invalidation waits (unmap.ts). */
  unmap: GuestUnmapState;
  /** The scenario timeline's guest actions (timeline.ts). */
  timeline: GuestTimeline;
  /** pauseGuest windows and the work waiting for the vCPUs (pause.ts). */
  pause: GuestPause;
  outboxes: Outboxes;
  stats: GuestStats;
  /** Sampled per-hop stamps (src/report/hops.ts): group complete in the IOPF core, page group response sent. */
  hops: { 'guest.received': HopStamps; 'guest.responded': HopStamps };
}

export function createGuestState(cfg: GuestConfig): GuestState {
  return {
    cfg,
    spaceIndex: createSpaceIndex(cfg.spaces),
    prq: createPrqConsumer(cfg.vprqEntries, guestPrqRegisters, cfg.bugs.includes('clear-pro-early')),
    core: createIopfCore(),
    groups: createGroupIdTable(),
    groupPool: { free: [], made: 0 },
    unmap: createGuestUnmapState(),
    timeline: createGuestTimeline(cfg),
    pause: createGuestPause(),
    outboxes: createOutboxes(),
    stats: {
      malformed: {},
      stopMarkers: 0,
      badRequestsAnswered: 0,
      groupsHandled: 0,
      pagesMapped: 0,
      pagesAlreadyMapped: 0,
      pagesUnmappable: 0,
      overflowDiscardRounds: 0,
      handlerTimersStale: 0,
      unexpectedMessages: {},
    },
    hops: { 'guest.received': createHopStamps(), 'guest.responded': createHopStamps() },
  };
}
