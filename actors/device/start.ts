// When each address space's DMA workload starts. A function with PRI (priAllocation > 0) must
// not fault before software enabled its PRI (iommufd enables IOPF when it attaches the first
// fault-capable hwpt), so its spaces start on the first PRI Control Enable write, once the
// device is running (sys.start). Spaces of a function without PRI start at sys.start. Only
// 'idle' slots (never started) are started; a start is never repeated.

import type { ActorCtx } from '../../src/actor/define.ts';
import { startAccess } from './access.ts';
import type { DeviceState } from './device-state.ts';

/** Start the idle slots of every ready space (of function `fnIdx` only, when given). */
export function startWorkloads(s: DeviceState, ctx: ActorCtx, fnIdx: number | null): void {
  if (!s.running) return;
  for (let i = 0; i < s.slots.length; i++) {
    const slot = s.slots[i]!;
    if (slot.phase !== 'idle') continue;
    const spaceFn = s.spaces[slot.spaceIdx]!.fnIdx;
    if (fnIdx !== null && spaceFn !== fnIdx) continue;
    if (workloadReady(s, spaceFn)) startAccess(s, ctx, i);
  }
}

function workloadReady(s: DeviceState, fnIdx: number): boolean {
  const fn = s.fns[fnIdx]!;
  return fn.cfg.priAllocation === 0 || fn.priCtl;
}
