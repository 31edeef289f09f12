// The forwarded faults the VMM still owes the host an answer for (VmmState.faults, oldest
// first) and their index by (dev_id, PASID|none, PRGI), the triple a guest response names:
// finding a response's group costs one lookup instead of a scan of every remembered fault.
// Every change to the list goes through here so the index never disagrees with it. A triple's
// list stays in the index once empty (there are at most dev_ids × PASIDs × 512 of them): a set,
// a new array and a delete per group made the Map reallocate its table (issue 9).

import type { ForwardedFault, VmmState } from './vmm-state.ts';
import { removeFirst } from '../../src/util/remove-first.ts';

/** PASIDs are 20 bits; one past the largest stands for "no PASID" (a RID-only fault). */
const noPasidKey = 1 << 20;

/** The index key of (dev_id, PASID|none, PRGI): exact while dev_id < 2^24. */
function groupKey(devId: number, pasid: number | null, prgi: number): number {
  return (devId * (noPasidKey + 1) + (pasid ?? noPasidKey)) * 512 + prgi;
}

/**
 * Remembers a fault as the newest one, in a record a forgotten fault left (faultPool) or a new
 * one: one per fault owed at once instead of one per group (issue 9).
 */
export function rememberFault(s: VmmState, devId: number, pasid: number | null, prgi: number, cookie: number, ghost: number, m: ForwardedFault['m'], fd: number, asid: number): void {
  let f = s.faultPool.free.pop();
  if (f === undefined) {
    s.faultPool.made++;
    f = { devId, pasid, prgi, cookie, ghost, m, fd, asid };
  } else {
    f.devId = devId;
    f.pasid = pasid;
    f.prgi = prgi;
    f.cookie = cookie;
    f.ghost = ghost;
    f.m = m;
    f.fd = fd;
    f.asid = asid;
  }
  keep(s, f);
}

/** `f` becomes the newest remembered fault, in the list and its index. */
function keep(s: VmmState, f: ForwardedFault): void {
  s.faults.push(f);
  const key = groupKey(f.devId, f.pasid, f.prgi);
  const same = s.faultsByGroup.get(key);
  if (same === undefined) s.faultsByGroup.set(key, [f]);
  else same.push(f);
}

/** The remembered faults of (dev_id, PASID|none, PRGI), oldest first (empty: none); do not keep or change it. */
export function faultsOfGroup(s: VmmState, devId: number, pasid: number | null, prgi: number): readonly ForwardedFault[] {
  return s.faultsByGroup.get(groupKey(devId, pasid, prgi)) ?? none;
}
const none: readonly ForwardedFault[] = [];

/** Forgets the `n` oldest remembered faults of (dev_id, PASID|none, PRGI), keeping the others' order. */
export function forgetOldestOfGroup(s: VmmState, devId: number, pasid: number | null, prgi: number, n: number): void {
  const same = s.faultsByGroup.get(groupKey(devId, pasid, prgi));
  if (same === undefined) return;
  for (let k = 0; k < n && same.length > 0; k++) {
    // An answered fault is usually among the oldest: indexOf finds it near the front.
    const f = same.shift()!;
    removeFirst(s.faults, f);
    s.faultPool.free.push(f);
  }
}

/** Forgets every fault `match` selects, keeping the others' order; returns how many. */
export function forgetFaultsWhere(s: VmmState, match: (f: ForwardedFault) => boolean): number {
  const kept = s.faults.filter((f) => !match(f));
  const forgotten = s.faults.length - kept.length;
  s.faults = [];
  s.faultsByGroup.clear();
  for (const f of kept) keep(s, f);
  return forgotten;
}
