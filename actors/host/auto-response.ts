// iommufd's auto-responses with Invalid (eventq.c): on detach and replace, every group of one
// attach handle in a fault object's deliver list and then its response map (unread and
// read-but-unanswered, R10); on fault-object destroy, every remaining group. Bug toggles
// reproduce R11 (replace answers through the new hwpt) at the call site and R12
// (destroy skips the response map) here.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { IopfCoreEnv } from '../../src/iopf/core.ts';
import type { AutoReason } from '../../machines/host-fault-group.machine.ts';
import { faultQueueTake } from './fault-queue.ts';
import { lifeEvent } from './group-life.ts';
import { bump, type HostState } from './host-state.ts';
import { freeCookie, responseCookies, type UfdFault } from './ufd-objects.ts';

/** Answers the groups of `handleId` (null: every group) held by `fault`; returns how many. */
export function autoRespond(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, fault: UfdFault, handleId: number | null, reason: AutoReason, includeRead: boolean): number {
  const belongs = (gid: number): boolean => handleId === null || s.core.groups.get(gid)?.handler === handleId;
  let n = 0;
  const keep: number[] = [];
  const take: number[] = [];
  for (const gid of fault.deliver) {
    if (s.core.groups.has(gid) && !belongs(gid)) {
      keep.push(gid);
      continue;
    }
    faultQueueTake(fault, gid, ctx);
    if (s.core.groups.has(gid)) take.push(gid);
    else s.stats.staleGroupsDropped++;
  }
  fault.deliver = keep;
  for (const gid of take) n += answer(s, env, gid, reason);
  if (!includeRead) return n;
  for (const cookie of responseCookies(fault)) {
    const gid = fault.response[cookie]!;
    if (s.core.groups.has(gid) && !belongs(gid)) continue;
    freeCookie(fault, cookie);
    faultQueueTake(fault, gid, ctx);
    n += answer(s, env, gid, reason);
  }
  return n;
}

function answer(s: HostState, env: IopfCoreEnv, gid: number, reason: AutoReason): number {
  if (!lifeEvent(s, gid, { type: 'auto.respond', reason }, env)) {
    s.stats.staleGroupsDropped++;
    return 0;
  }
  bump(s.stats.autoAnswered, reason);
  return 1;
}
