// The forwarded faults the VMM still owes the host an answer for (VmmState.faults, oldest
// first) and their index by (dev_id, PASID|none, PRGI), the triple a guest response names:
// finding a response's group costs one lookup instead of a scan of every remembered fault.
// Every change to the list goes through here so the index never disagrees with it. The index is
// per (dev_id, PASID|none) a table of 512 lists by PRGI, each list kept once made: a Map of every
// triple with a set, a new array and a delete per group reallocated its table, and its keys
// were doubles hashed per lookup (issue 9).

import type { ForwardedFaultInput } from '../../machines/forwarded-fault.machine.ts';
import { forwardedFault } from './forwarded-faults.ts';
import type { ForwardedFault, VmmState } from './vmm-state.ts';
import { removeFirst } from '../../src/util/remove-first.ts';
import { append } from '../../src/util/append.ts';

/** PASIDs are 20 bits; one past the largest stands for "no PASID" (a RID-only fault). */
const noPasidKey = 1 << 20;

/** The index key of (dev_id, PASID|none): exact while dev_id < 2^32, a small integer while dev_id < 2^9. */
function spaceKey(devId: number, pasid: number | null): number {
  return devId * (noPasidKey + 1) + (pasid ?? noPasidKey);
}

/** PRGIs are 9 bits: a table per (dev_id, PASID|none) has a list slot for each. */
const PRGI_COUNT = 512;

/** The list of (dev_id, PASID|none, PRGI), made empty on first use. */
function listOf(s: VmmState, devId: number, pasid: number | null, prgi: number): ForwardedFault[] {
  const key = spaceKey(devId, pasid);
  let byPrgi = s.faultsByGroup.get(key);
  if (byPrgi === undefined) {
    byPrgi = new Array<ForwardedFault[]>(PRGI_COUNT);
    s.faultsByGroup.set(key, byPrgi);
  }
  return (byPrgi[prgi] ??= []);
}

/**
 * A record for a new forwarded fault, its machine started on `input`: a forgotten fault's record
 * (faultPool) with its machine state reset, or a new one. One record and one machine state per
 * fault owed at once instead of one per group (issue 9). The caller steps the machine, then
 * remembers the fault (rememberFault) or, when the machine already answered, gives the record
 * back (releaseFault).
 */
export function takeFault(s: VmmState, input: ForwardedFaultInput): ForwardedFault {
  const f = s.faultPool.free.pop();
  if (f === undefined) {
    s.faultPool.made++;
    return { devId: 0, pasid: null, prgi: 0, cookie: 0, ghost: 0, m: forwardedFault.initial(input), fd: 0, asid: 0 };
  }
  forwardedFault.reset(f.m, input);
  return f;
}

/** A record takeFault gave that is not remembered: its machine was done at once. */
export function releaseFault(s: VmmState, f: ForwardedFault): void {
  append(s.faultPool.free, f);
}

/**
 * Remembers `f` (from takeFault) as the newest fault; returns how many faults of the same
 * (dev_id, PASID|none, PRGI) were remembered already.
 */
export function rememberFault(s: VmmState, f: ForwardedFault, devId: number, pasid: number | null, prgi: number, cookie: number, ghost: number, fd: number, asid: number): number {
  f.devId = devId;
  f.pasid = pasid;
  f.prgi = prgi;
  f.cookie = cookie;
  f.ghost = ghost;
  f.fd = fd;
  f.asid = asid;
  return keep(s, f);
}

/** `f` becomes the newest remembered fault, in the list and its index; returns how many of its triple were there before. */
function keep(s: VmmState, f: ForwardedFault): number {
  append(s.faults, f);
  const same = listOf(s, f.devId, f.pasid, f.prgi);
  append(same, f);
  return same.length - 1;
}

/** The remembered faults of (dev_id, PASID|none, PRGI), oldest first (empty: none); do not keep or change it. */
export function faultsOfGroup(s: VmmState, devId: number, pasid: number | null, prgi: number): readonly ForwardedFault[] {
  return s.faultsByGroup.get(spaceKey(devId, pasid))?.[prgi] ?? none;
}
const none: readonly ForwardedFault[] = [];

/**
 * Forgets the `n` oldest of `group`, the list faultsOfGroup returned (looked up once per guest
 * response, not again here), keeping the others' order.
 */
export function forgetOldestOf(s: VmmState, group: readonly ForwardedFault[], n: number): void {
  if (group === none) return;
  const same = group as ForwardedFault[];
  for (let k = 0; k < n && same.length > 0; k++) {
    // An answered fault is usually among the oldest: indexOf finds it near the front.
    const f = same.shift()!;
    removeFirst(s.faults, f);
    append(s.faultPool.free, f);
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
