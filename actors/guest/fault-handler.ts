// The guest's fault handler (the SVA handler's shape, iommu-sva.c): walk the group's
// requests in order and make each page present in guest.s1; errors are sticky (the first
// unmappable page ends the walk) and the group is answered Success only if every page was
// mapped. PTE layout (actors/README.md): bit 0 present, 1 readable, 2 writable, 8..31 version.

import type { MemView } from '../../src/actor/define.ts';
import type { IopfGroup } from '../../src/iopf/core.ts';
import { iopfCode, type IopfCode } from '../../src/iopf/fault.ts';
import { pgfaultPerm } from '../../src/protocol/iommufd.ts';
import type { AddressSpace } from '../../src/config/tier-configs.ts';
import type { GuestState } from './guest-state.ts';
import { spaceOfAsid } from '../space-index.ts';

export const PAGE_BYTES = 4096;
export const PTE_PRESENT = 1;
export const PTE_READ = 2;
export const PTE_WRITE = 4;
const PTE_VERSION_SHIFT = 8;
const PTE_VERSION_MASK = 0xffffff;

export interface HandlerOutcome {
  code: IopfCode;
  pagesMapped: number;
}

export function spaceByAsid(s: GuestState, asid: number): AddressSpace | undefined {
  return spaceOfAsid(s.spaceIndex, asid);
}

/** Map every page of the group in the handler's address space (the group's attach handle); the outcome into `out` (a caller's reused record). */
export function handleGroup(s: GuestState, mem: MemView, group: IopfGroup, out: HandlerOutcome): void {
  const space = spaceByAsid(s, group.handler);
  let mapped = 0;
  const faults = group.faults;
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i]!;
    const page = Math.floor(f.addr / PAGE_BYTES);
    if (space === undefined || page >= space.mappablePages || page >= s.cfg.pagesPerAsid) {
      s.stats.pagesUnmappable++;
      out.code = iopfCode.INVALID;
      out.pagesMapped = mapped;
      return;
    }
    if (mapPage(mem, space.asid * s.cfg.pagesPerAsid + page, (f.perm & pgfaultPerm.WRITE) !== 0)) {
      s.stats.pagesMapped++;
      mapped++;
    } else {
      s.stats.pagesAlreadyMapped++;
    }
  }
  out.code = iopfCode.SUCCESS;
  out.pagesMapped = mapped;
}

/** Present and readable, writable if asked or already; returns false when the PTE already allowed it (no change, no version bump). */
function mapPage(mem: MemView, index: number, write: boolean): boolean {
  const old = mem.load(index) >>> 0;
  const oldPerm = (old & PTE_PRESENT) !== 0 ? old & (PTE_PRESENT | PTE_READ | PTE_WRITE) : 0;
  const perm = oldPerm | PTE_PRESENT | PTE_READ | (write ? PTE_WRITE : 0);
  if (perm === oldPerm) return false;
  const version = ((old >>> PTE_VERSION_SHIFT) + 1) & PTE_VERSION_MASK;
  mem.store(index, perm | (version << PTE_VERSION_SHIFT) | 0);
  return true;
}
