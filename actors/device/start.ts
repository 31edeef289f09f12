// When each address space's DMA workload starts. A function with PRI (priAllocation > 0) must
// not fault before software enabled its PRI (iommufd enables IOPF when it attaches the first
// fault-capable hwpt), so its spaces start on the first PRI Control Enable write, once the
// device is running (sys.start). Spaces of a function without PRI start at sys.start. Only
// 'idle' slots (never started) are started; a start is never repeated. Open loop: the arrival
// streams of the ready functions start instead (arrivals.ts), and slots take what waits in
// their space's backlog (backlog.ts).

import type { ActorCtx } from '../../src/actor/define.ts';
import { startAccess } from './access.ts';
import { startStreams } from './arrivals.ts';
import { serveBacklog } from './backlog.ts';
import type { DeviceState } from './device-state.ts';

/** Start the idle slots of every ready space (of function `fnIdx` only, when given). */
export function startWorkloads(s: DeviceState, ctx: ActorCtx, fnIdx: number | null): void {
  if (!s.running) return;
  if (s.openLoop) {
    startStreams(s, ctx, fnIdx);
    s.spaces.forEach((sp, i) => {
      if (fnIdx === null || sp.fnIdx === fnIdx) serveBacklog(s, ctx, i);
    });
    return;
  }
  for (let i = 0; i < s.slots.length; i++) {
    const slot = s.slots[i]!;
    if (slot.phase !== 'idle') continue;
    const spaceFn = s.spaces[slot.spaceIdx]!.fnIdx;
    if (fnIdx !== null && spaceFn !== fnIdx) continue;
    if (workloadReady(s, spaceFn)) startAccess(s, ctx, i);
  }
}

/** The function may issue DMA that can fault: it has no PRI, or software enabled its PRI. */
export function workloadReady(s: DeviceState, fnIdx: number): boolean {
  const fn = s.fns[fnIdx]!;
  return fn.cfg.priAllocation === 0 || fn.priCtl;
}
