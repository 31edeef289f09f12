// iommufd setup on sys.start, one call after another: FAULT_QUEUE_ALLOC (→ fault_id, fd),
// then for every address space a nested HWPT_ALLOC carrying FAULT_ID_VALID and that fault_id
// on the default nesting parent (pt_id 0: the host's convention for "the nesting parent of
// this device"), then the ATTACH of every space's device (and PASID, or NO_PASID) to its hwpt.
// Allocating first and attaching afterwards puts a device's attaches back to back: the host
// enables the device's PRI on its first fault-capable attach, and its other PASIDs fault
// without a handler (answered Invalid) until they are attached too. Setup calls go ahead of
// fault reads and writes waiting in the call queue (the setup sequence runs to completion, as
// QEMU's does under its lock). A failed fault queue ends setup; a failed HWPT_ALLOC skips
// that space's ATTACH; each failure is counted and marked.

import type { ActorCtx } from '../../src/actor/define.ts';
import { hwptAllocFlag, NO_PASID, ufdOp } from '../../src/protocol/iommufd.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { queueCall } from './syscalls.ts';
import type { Syscall, VmmState } from './vmm-state.ts';

/** pt_id 0: the default nesting parent (the host's stage-2 for the device). */
export const DEFAULT_NESTING_PARENT = 0;

export function startSetup(s: VmmState, ctx: ActorCtx): void {
  ctx.assert(s.setup === 'idle', 'FAULTLINE_VMM_SETUP_TWICE', 'sys.start arrived twice');
  s.setup = 'running';
  s.setupStep = 0;
  queueCall(s, ctx, ufdOp.FAULT_QUEUE_ALLOC, [0, 0, 0, 0], { kind: 'faultQueueAlloc' }, true);
}

export function onSetupResult(s: VmmState, call: Syscall, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): void {
  const ok = m.ret >= 0;
  if (!ok) {
    s.n.setupErrors++;
    ctx.mark('vmm.setupCallFailed');
  }
  const p = call.purpose;
  if (p.kind === 'faultQueueAlloc') {
    if (!ok) return failSetup(s, ctx);
    s.faultId = m.out0;
    s.faultFd = m.out1;
    s.faultFds.push(m.out1);
  } else if (p.kind === 'hwptAlloc' && ok) {
    s.hwpts[p.asid] = m.out0;
    s.spaceFault[p.asid] = { faultId: s.faultId, fd: s.faultFd };
  }
  s.setupStep++;
  nextSetupCall(s, ctx);
}

/** Steps: 0 fault queue; 1..n HWPT_ALLOC of space step-1; n+1..2n ATTACH of space step-n-1 (skipped without a hwpt). */
function nextSetupCall(s: VmmState, ctx: ActorCtx): void {
  const spaces = s.cfg.spaces;
  while (s.setupStep > spaces.length && s.setupStep <= 2 * spaces.length && s.hwpts[spaces[s.setupStep - spaces.length - 1]!.asid] === undefined) {
    s.setupStep++;
  }
  if (s.setupStep <= spaces.length) {
    const space = spaces[s.setupStep - 1]!;
    queueCall(s, ctx, ufdOp.HWPT_ALLOC, [space.devId, DEFAULT_NESTING_PARENT, hwptAllocFlag.FAULT_ID_VALID, s.faultId], { kind: 'hwptAlloc', asid: space.asid }, true);
    return;
  }
  const space = spaces[s.setupStep - spaces.length - 1];
  if (space === undefined) {
    s.setup = 'done';
    ctx.mark('vmm.setupDone');
    return;
  }
  queueCall(s, ctx, ufdOp.ATTACH, [space.devId, s.hwpts[space.asid]!, space.pasid ?? NO_PASID, 0], { kind: 'attach', asid: space.asid }, true);
}

function failSetup(s: VmmState, ctx: ActorCtx): void {
  s.setup = 'failed';
  ctx.mark('vmm.setupFailed');
}
