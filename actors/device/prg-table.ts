// One function's page request group table: PRGI allocation (9 bits, never a PRGI with an
// outstanding group; rotating so reuse comes as late as possible) and PRI credits (page
// requests outstanding must stay within the Outstanding Page Request Allocation; a group's
// credits come back with its response). Allocation is per function (pci_regs.h PCI_PRI_ALLOC_REQ).

import { PRGI_COUNT, type FnState, type PrgGroup } from './device-state.ts';

export type RaiseBlock = 'credits' | 'prgi' | null;

/** Why a group of `pages` cannot be raised now, or null when it can. */
export function raiseBlockedBy(fn: FnState, pages: number): RaiseBlock {
  if (fn.creditsUsed + pages > fn.cfg.priAllocation) return 'credits';
  if (fn.groupsOutstanding >= PRGI_COUNT) return 'prgi';
  return null;
}

/** Give `g` a free PRGI and hold `g.pages` credits; the caller checked raiseBlockedBy. */
export function insertGroup(fn: FnState, g: PrgGroup): PrgGroup {
  let prgi = fn.prgiCursor;
  while (fn.groups[prgi] !== null) prgi = (prgi + 1) % PRGI_COUNT;
  fn.prgiCursor = (prgi + 1) % PRGI_COUNT;
  g.prgi = prgi;
  fn.groups[prgi] = g;
  fn.groupsOutstanding++;
  fn.groupsRaised++;
  fn.creditsUsed += g.pages;
  return g;
}

export function removeGroup(fn: FnState, prgi: number): void {
  fn.groups[prgi] = null;
  fn.groupsOutstanding--;
}
