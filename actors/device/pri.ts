// The PF family's PRI capability as seen by the actor shell: feeds events to the
// pri-capability machine and acts on its effects, and PRI Control Enable writes from software
// (pci.priCtl, sent by the IOMMU when the host enables IOPF for a function: pci_enable_pri).
//
// Control Enable is kept per function as software wrote it; the family's shared capability
// (PCIe: one PRI interface per PF and its VFs) is enabled while any of its functions is, and
// disabled when none is left. A write that enables a failed capability (RF set) leaves it
// failed. A function may send page requests only while its own Enable is set and the shared
// capability is enabled. When PRI goes down every access that waits on it fails: 'priFailed'
// after a Response Failure, 'priDisabled' when software cleared Enable — those queued for
// credits and those waiting on a group. The groups themselves stay outstanding: the IOMMU side
// still owes each one response, which is matched and counted.

import type { ActorCtx } from '../../src/actor/define.ts';
import type { Effect } from '../../src/machines/index.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import type { PriCapabilityEvent } from '../../machines/pri-capability.machine.ts';
import { failAccess } from './access.ts';
import type { AccessFailure } from './counters.ts';
import type { DeviceState } from './device-state.ts';
import { priExec } from './machines.ts';
import { startWorkloads } from './start.ts';

export function priEvent(s: DeviceState, ctx: ActorCtx, familyIdx: number, ev: PriCapabilityEvent): void {
  const effects: Effect[] = [];
  priExec.step(s.families[familyIdx]!.cap, ev, effects);
  for (const e of effects) {
    if (e.type === 'priDown') {
      ctx.mark('device.pri-down');
      const reason = (e.params as { reason: string }).reason === 'disabled' ? 'priDisabled' : 'priFailed';
      // R16: a Response Failure stops the PRI shared by the PF and all its VFs.
      if (reason === 'priFailed' && s.families[familyIdx]!.fnIdxs.length > 1) ctx.mark('device.pri-failed-family');
      for (const fnIdx of s.families[familyIdx]!.fnIdxs) failFunction(s, ctx, fnIdx, reason);
    } else if (e.type === 'enableRefused') {
      s.c.priEnableRefused++;
      ctx.mark('device.pri-enable-refused');
    }
  }
}

/** Whether the function may send page requests now. */
export function priUsable(s: DeviceState, fnIdx: number): boolean {
  const fn = s.fns[fnIdx]!;
  return fn.cfg.priAllocation > 0 && fn.priCtl && s.families[fn.familyIdx]!.cap.value === 'enabled';
}

/** Why a fault of a function whose PRI is not usable fails: RF set → 'priFailed', otherwise 'priDisabled'. */
export function priFailure(s: DeviceState, fnIdx: number): AccessFailure {
  const fn = s.fns[fnIdx]!;
  return fn.cfg.priAllocation > 0 && s.families[fn.familyIdx]!.cap.context.rf ? 'priFailed' : 'priDisabled';
}

/** pci.priCtl: software writes the function's PRI Control Enable. */
export function onPriCtl(s: DeviceState, ctx: ActorCtx, msg: MessageByType<'pci.priCtl'>): void {
  const fnIdx = s.fnByRid[msg.rid];
  if (fnIdx === undefined) {
    s.c.dropped.priCtlUnknownRid++;
    return;
  }
  const fn = s.fns[fnIdx]!;
  if (msg.enable) s.c.priCtlEnables++;
  else s.c.priCtlDisables++;
  if (fn.priCtl === msg.enable) return;
  fn.priCtl = msg.enable;
  const family = s.families[fn.familyIdx]!;
  if (msg.enable) {
    priEvent(s, ctx, fn.familyIdx, { type: 'pri.enable' });
    ctx.mark('device.pri-enabled');
    startWorkloads(s, ctx, fnIdx);
    return;
  }
  // This function stops; the shared capability goes down with the last one (priDown fails the rest).
  failFunction(s, ctx, fnIdx, 'priDisabled');
  if (family.fnIdxs.every((i) => !s.fns[i]!.priCtl)) priEvent(s, ctx, fn.familyIdx, { type: 'pri.disable' });
}

/** Fail every access of the function that waits on PRI: queued for credits or waiting on a group. */
function failFunction(s: DeviceState, ctx: ActorCtx, fnIdx: number, reason: AccessFailure): void {
  const fn = s.fns[fnIdx]!;
  const queued = fn.waitQueue;
  fn.waitQueue = [];
  for (const slot of queued) failAccess(s, ctx, slot, reason);
  for (const g of fn.groups) {
    if (g === null) continue;
    const waiters = g.waiters;
    g.waiters = [];
    for (const slot of waiters) failAccess(s, ctx, slot, reason);
  }
}
