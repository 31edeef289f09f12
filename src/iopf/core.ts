// The IOPF core of io-pgfault.c as plain data: per device a partial list and the pending
// groups; report() groups requests on the last one (partials with the same PRGI, PASID not
// compared, in arrival order, before the last) and hands the group to the handler found by
// (device, PASID or RID); with no handler every request is answered Invalid, the non-last ones
// too (mainline, see noHandler below); respond() answers a group only while it is pending (R8), so a
// second response is dropped and counted; removeDevice() answers every pending group
// Invalid and frees partials (iopf_queue_remove_device); discardPartials() is
// iopf_queue_discard_partial. Handlers are opaque keys chosen by the caller.
// The core's records (a fault per request, a group per group: kzalloc'd and freed by
// iopf_free_group in io-pgfault.c) come from a free list and go back to it once answered or
// freed: a fault takes one allocation for the whole run instead of one per request (issue 9);
// `pool` counts the records ever made. A record is not kept by anyone past its group's answer.
// Shared by the host (physical PRQ) and the guest (vPRQ) drivers.

import { DirectMap } from '../util/direct-map.ts';
import { removeFirst } from '../util/remove-first.ts';
import { blankFault, iopfCode, type IopfCode, type IopfFault } from './fault.ts';
import { append } from '../util/append.ts';

export type HandlerKey = number;

export interface IopfGroup {
  id: number;
  rid: number;
  handler: HandlerKey;
  /** Partials in arrival order, the last request at the end. */
  faults: IopfFault[];
}

export interface IopfDevice {
  partials: IopfFault[];
  /** Ids of groups handed to a handler and not answered yet (fault_param->faults). */
  pending: number[];
}

export interface IopfCoreStats {
  reported: number;
  partialsQueued: number;
  groupsReported: number;
  noHandlerAnswered: number;
  /** Non-last requests without a handler dropped unanswered (only with noHandlerResponse 'last-request'). */
  noHandlerPartialsDropped: number;
  /** R22, mainline: non-last requests answered Invalid because no handler was attached. */
  noHandlerPartialsAnswered: number;
  answeredSuccess: number;
  answeredInvalid: number;
  answeredFailure: number;
  duplicateResponsesDropped: number;
  partialsDiscarded: number;
  removeAnsweredInvalid: number;
  removePartialsFreed: number;
}

/**
 * What the core answers when no handler is attached (scenario `host.noHandlerResponse`).
 * 'every-request' is mainline: io-pgfault.c iommu_report_device_fault() finds no handle
 * (find_fault_handler() returns NULL), jumps to err_bad_iopf and calls iopf_error_response()
 * for the request, before it looks at IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, so a non-last
 * request gets an Invalid PRG response too (R22). 'last-request' is what a fix would do:
 * drop the non-last requests and answer the group once, on its last request.
 */
export type NoHandlerResponse = 'every-request' | 'last-request';

/** Free fault and group records, and how many of each were ever made (the guard counts them). */
export interface IopfRecordPool {
  faults: IopfFault[];
  groups: IopfGroup[];
  faultsMade: number;
  groupsMade: number;
}

export interface IopfCoreState {
  noHandlerResponse: NoHandlerResponse;
  pool: IopfRecordPool;
  /** iopfReport's result for a new group, rewritten by every report that forms one: read it before the next report. */
  formed: { kind: 'group'; groupId: number };
  devices: Record<number, IopfDevice>;
  /**
   * Pending groups by id; a group leaves when answered. Ids are handed out in sequence, so the
   * pending ones rarely share low bits: a direct-mapped table, not a Map a set and a delete per
   * group reallocate (issue 9). Per device, in order, in `pending`.
   */
  groups: DirectMap<IopfGroup>;
  nextGroupId: number;
  stats: IopfCoreStats;
}

export interface IopfCoreEnv {
  /** Attach-handle lookup by (device, PASID or RID); null when no domain with an iopf handler is attached. */
  findHandler(rid: number, pasidValid: boolean, pasid: number): HandlerKey | null;
  /** The driver's page_response for `last`, the group's last request. */
  pageResponse(last: IopfFault, code: IopfCode): void;
  /** domain->iopf_handler(group): the handler now owns the pending group. */
  handle(group: IopfGroup): void;
}

export type ReportResult = { kind: 'noHandler'; answered: boolean } | { kind: 'partial' } | { kind: 'group'; groupId: number };

const PARTIAL: ReportResult = Object.freeze({ kind: 'partial' });
const NO_HANDLER_ANSWERED: ReportResult = Object.freeze({ kind: 'noHandler', answered: true });
const NO_HANDLER_DROPPED: ReportResult = Object.freeze({ kind: 'noHandler', answered: false });

/** 1024 direct slots: far more than the groups a core holds pending at once (the rest go to the table's Map). */
const PENDING_GROUPS_BITS = 10;

/** A table keyed by core group id, as the core's own: for what a driver keeps per pending group. */
export function createGroupIdTable<T>(): DirectMap<T> {
  return new DirectMap<T>(PENDING_GROUPS_BITS);
}

export function createIopfCore(noHandlerResponse: NoHandlerResponse = 'every-request'): IopfCoreState {
  return {
    noHandlerResponse,
    pool: { faults: [], groups: [], faultsMade: 0, groupsMade: 0 },
    formed: { kind: 'group', groupId: 0 },
    devices: {},
    groups: createGroupIdTable(),
    nextGroupId: 1,
    stats: {
      reported: 0,
      partialsQueued: 0,
      groupsReported: 0,
      noHandlerAnswered: 0,
      noHandlerPartialsDropped: 0,
      noHandlerPartialsAnswered: 0,
      answeredSuccess: 0,
      answeredInvalid: 0,
      answeredFailure: 0,
      duplicateResponsesDropped: 0,
      partialsDiscarded: 0,
      removeAnsweredInvalid: 0,
      removePartialsFreed: 0,
    },
  };
}

function deviceOf(core: IopfCoreState, rid: number): IopfDevice {
  return (core.devices[rid] ??= { partials: [], pending: [] });
}

/** iommu_report_device_fault(). */
export function iopfReport(core: IopfCoreState, fault: IopfFault, env: IopfCoreEnv): ReportResult {
  core.stats.reported++;
  const handler = env.findHandler(fault.rid, fault.pasidValid, fault.pasid);
  if (handler === null) return noHandler(core, fault, env);
  const dev = deviceOf(core, fault.rid);
  if (!fault.last) {
    dev.partials.push(fault);
    core.stats.partialsQueued++;
    return PARTIAL;
  }
  const group = newGroup(core, fault.rid, handler);
  const partials = dev.partials;
  if (partials.length > 0) {
    // The group's partials leave the list in arrival order, the others keep theirs.
    let kept = 0;
    for (const p of partials) {
      if (p.prgi === fault.prgi) group.faults.push(p);
      else partials[kept++] = p;
    }
    while (partials.length > kept) partials.pop();
  }
  group.faults.push(fault);
  core.groups.set(group.id, group);
  dev.pending.push(group.id);
  core.stats.groupsReported++;
  env.handle(group);
  core.formed.groupId = group.id;
  return core.formed;
}

function noHandler(core: IopfCoreState, fault: IopfFault, env: IopfCoreEnv): ReportResult {
  if (fault.last) {
    core.stats.noHandlerAnswered++;
    answer(core, fault, iopfCode.INVALID, env);
    return NO_HANDLER_ANSWERED;
  }
  if (core.noHandlerResponse === 'every-request') {
    core.stats.noHandlerPartialsAnswered++;
    answer(core, fault, iopfCode.INVALID, env);
    return NO_HANDLER_ANSWERED;
  }
  core.stats.noHandlerPartialsDropped++;
  return NO_HANDLER_DROPPED;
}

/** iopf_group_response(): sends only while the group is pending; returns whether it did. */
export function iopfRespond(core: IopfCoreState, groupId: number, code: IopfCode, env: IopfCoreEnv): boolean {
  const group = core.groups.get(groupId);
  if (group === undefined) {
    core.stats.duplicateResponsesDropped++;
    return false;
  }
  unlink(core, group);
  answer(core, group.faults[group.faults.length - 1]!, code, env);
  freeGroup(core, group);
  return true;
}

export function iopfIsPending(core: IopfCoreState, groupId: number): boolean {
  return core.groups.has(groupId);
}

/** iopf_queue_remove_device(): free partials, answer every pending group Invalid; returns the answered ids. */
export function iopfRemoveDevice(core: IopfCoreState, rid: number, env: IopfCoreEnv): number[] {
  const dev = core.devices[rid];
  if (dev === undefined) return [];
  core.stats.removePartialsFreed += dev.partials.length;
  freePartials(core, dev);
  const ids = dev.pending.slice();
  for (const id of ids) {
    core.stats.removeAnsweredInvalid++;
    iopfRespond(core, id, iopfCode.INVALID, env);
  }
  delete core.devices[rid];
  return ids;
}

/** iopf_queue_discard_partial(): free every device's partials without responding; returns how many. */
export function iopfDiscardPartials(core: IopfCoreState): number {
  let n = 0;
  for (const key in core.devices) {
    const dev = core.devices[key]!;
    n += dev.partials.length;
    freePartials(core, dev);
  }
  core.stats.partialsDiscarded += n;
  return n;
}

export function iopfPendingGroups(core: IopfCoreState): number {
  let n = 0;
  for (const key in core.devices) n += core.devices[key]!.pending.length;
  return n;
}

export function iopfPartialCount(core: IopfCoreState): number {
  let n = 0;
  for (const key in core.devices) n += core.devices[key]!.partials.length;
  return n;
}

/** A fault record for a new request: a freed one, or a new one (counted). */
export function iopfNewFault(core: IopfCoreState): IopfFault {
  const f = core.pool.faults.pop();
  if (f !== undefined) return f;
  core.pool.faultsMade++;
  return blankFault();
}

/** A fault record the core was never given (a Stop Marker, a malformed request) or answered without keeping (no handler). */
export function iopfFreeFault(core: IopfCoreState, fault: IopfFault): void {
  append(core.pool.faults, fault);
}

function newGroup(core: IopfCoreState, rid: number, handler: HandlerKey): IopfGroup {
  const id = core.nextGroupId++;
  const g = core.pool.groups.pop();
  if (g === undefined) {
    core.pool.groupsMade++;
    return { id, rid, handler, faults: [] };
  }
  g.id = id;
  g.rid = rid;
  g.handler = handler;
  return g;
}

/** iopf_free_group(): the group's faults and the group go back to the free lists. */
function freeGroup(core: IopfCoreState, group: IopfGroup): void {
  const faults = group.faults;
  while (faults.length > 0) append(core.pool.faults, faults.pop()!);
  append(core.pool.groups, group);
}

function freePartials(core: IopfCoreState, dev: IopfDevice): void {
  const partials = dev.partials;
  while (partials.length > 0) append(core.pool.faults, partials.pop()!);
}

function unlink(core: IopfCoreState, group: IopfGroup): void {
  core.groups.delete(group.id);
  const dev = core.devices[group.rid];
  if (dev === undefined) return;
  removeFirst(dev.pending, group.id);
}

function answer(core: IopfCoreState, last: IopfFault, code: IopfCode, env: IopfCoreEnv): void {
  if (code === iopfCode.SUCCESS) core.stats.answeredSuccess++;
  else if (code === iopfCode.INVALID) core.stats.answeredInvalid++;
  else core.stats.answeredFailure++;
  env.pageResponse(last, code);
}
