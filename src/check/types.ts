// The checker's vocabulary: invariant ids and names, a violation with its causal chain,
// the verdict a run ends with, and the small interface every monitor implements.

import type { CheckEvent } from '../protocol/messages.ts';
import type { GroupTable } from './group-table.ts';
import type { RunMetrics } from './metrics-collector.ts';

export type InvariantId = 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6' | 'I7' | 'I8';

export const invariantNames: Record<InvariantId, string> = {
  I1: 'every accepted group answered exactly once',
  I2: 'no response to a stale or retired group',
  I3: 'no translation used after its invalidation completed',
  I4: 'no silent loss: every queue conserves what entered it',
  I5: "drain leaves nothing in the hardware queues or the IOPF core; iommufd's groups answered before the PASID is reused",
  I6: 'order within a group; no discarded partial merged into a later group',
  I7: 'no fault of a freed PASID reaches the new address space',
  I8: 'liveness: nothing accepted is outstanding at the end, nor past the bound after the heal',
};

/** Invariants that have no events yet, and why (shown in the report instead of a verdict). */
export const notYetChecked: Partial<Record<InvariantId, string>> = {};

/** One event of a causal chain, as a person reads it. */
export interface ChainEntry {
  /** The simulator's step, or the threaded run's shared sequence number. */
  seq: number;
  /** Virtual ns in the simulator; -1 on threads (events carry no clock there). */
  timeNs: number;
  actor: string;
  text: string;
}

export interface Violation {
  invariant: InvariantId;
  message: string;
  ghosts: number[];
  /** Its causal slice: the last events (up to 12 each) of those ghosts and of the page it names, oldest first (src/check/chains.ts). */
  chain: ChainEntry[];
  /** The command that replays the run (filled in by the report). */
  replay?: string;
}

export interface InvariantVerdict {
  id: InvariantId;
  name: string;
  /** null: not checked in this run (see note). */
  ok: boolean | null;
  /** Violations found, kept in the report or not. */
  violations: number;
  note?: string;
  /** I8 with a liveness bound: the bound, the heal and the worst response time after it. */
  bound?: BoundVerdict;
}

/** The bounded part of I8 (src/check/monitors/i8-liveness.ts), as data for --json. */
export interface BoundVerdict {
  boundNs: number;
  healAtNs: number;
  /** false: not judged (no clock on the events, or the run ended before the heal); see the note. */
  judged: boolean;
  /** Groups answered after the heal, and the longest of their response times from max(heal, raise). */
  answered: number;
  worstNs: number;
  /** Groups found past the bound. */
  overdue: number;
}

export interface CheckerResult {
  events: number;
  violations: Violation[];
  /** Violations found beyond the kept ones (the report keeps the first few per invariant). */
  violationsDropped: number;
  invariants: InvariantVerdict[];
  /** Threads: times a worker waited for room in its check log (checker back-pressure). */
  backPressureWaits?: number;
  /** The run's metrics from the same events (absent when turned off). */
  metrics?: RunMetrics;
  /** false: the run kept no causal chains (CheckerOptions.chains), so its violations carry none; absent when it kept them or found no violation. */
  chainsKept?: false;
}

/** How the run ended, for the end-of-run sweeps. */
export interface RunEnd {
  quiescent: boolean;
  stopReason: string;
  /** The stall/deadlock detector's report when the run stalled. */
  stallReport?: string;
}

/** The page of an address space a violation is about (I3), for its causal slice. */
export interface SlicePage {
  asid: number;
  page: number;
}

export interface MonitorEnv {
  readonly table: GroupTable;
  violate(invariant: InvariantId, message: string, ghosts: number[], page?: SlicePage): void;
}

/** A check event of one type. */
export type CheckEventOf<T extends CheckEvent['type']> = Extract<CheckEvent, { type: T }>;

/**
 * What every invariant monitor has. Each monitor also has a handler per event type it reads
 * (its own interface, next to it), which the checker calls from that type's route
 * (src/check/checker.ts): the handlers see each event before the group table applies it, so
 * they compare against the state before; where a handler takes `g`, it is the group's record
 * slot (GroupTable.slotOf of the event's ghost, before the event), looked up once per event for
 * the table and every monitor; `timeNs` is the event's run time (virtual ns in the simulator),
 * -1 when the runtime gives none.
 */
export interface Monitor {
  readonly invariant: InvariantId;
  finish(end: RunEnd, env: MonitorEnv): void;
  /** When present and 0 at the end: the monitor saw none of its events, so it gives no verdict. */
  seen?(): number;
  /** Why a monitor that saw no events gives no verdict. */
  readonly idleNote?: string;
  /** After finish: what the verdict line adds (a note), and I8's bound as data. */
  detail?(): { note: string; bound?: BoundVerdict } | undefined;
}
