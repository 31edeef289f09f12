// Function level reset and removal (pci.reset from the host, through the IOMMU; the host side
// is actors/host/timeline.ts). The host cleared the function's PRI Enable first, so it raises no
// new groups; the reset completes once the function has no group outstanding (PRI "Stopped":
// every outstanding request answered — by the host's iopf_queue_remove_device, the IOMMU's
// PRE-off path or the user), then the function's ATC is dropped and its PRGI allocator restarts at 0. A removed function issues no
// more DMA: each of its access slots stops at its next access.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { atcClear } from './atc.ts';
import type { DeviceState } from './device-state.ts';

export interface FnReset {
  /** pci.reset received and not completed yet. */
  pending: boolean;
  /** The function was removed (its DMA stops). */
  removed: boolean;
}

export function fnReset(s: DeviceState, fnIdx: number): FnReset {
  return (s.resets[fnIdx] ??= { pending: false, removed: false });
}

export function onReset(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.reset'>): void {
  const fnIdx = s.fnByRid[msg.rid];
  if (fnIdx === undefined) return;
  const r = fnReset(s, fnIdx);
  r.pending = true;
  if (msg.remove) r.removed = true;
  ctx.mark(msg.remove ? 'device.remove-started' : 'device.flr-started');
  completeReset(s, ctx, fnIdx);
}

/** After a response: a pending reset completes once nothing is outstanding. */
export function completeReset(s: DeviceState, ctx: ActorCtx, fnIdx: number): void {
  const r = s.resets[fnIdx];
  const fn = s.fns[fnIdx]!;
  if (r === undefined || !r.pending || fn.groupsOutstanding > 0) return;
  r.pending = false;
  atcClear(fn.atc);
  // The reset returns the function to its power-on state, PRGI allocator included: the first
  // groups after it take the lowest indexes again, which the VMM may still remember (R20).
  fn.prgiCursor = 0;
  s.c.resetsCompleted++;
  ctx.mark(r.removed ? 'device.removed' : 'device.flr-done');
}

/** A removed function's slots issue no new access. */
export function fnRemoved(s: DeviceState, fnIdx: number): boolean {
  return s.resets[fnIdx]?.removed === true;
}
