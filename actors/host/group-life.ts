// Runs one host-fault-group machine per page request group (machines/host-fault-group.machine.ts)
// beside the IOPF core: partial sets by (rid, PRGI) as the core groups them, then groups by
// core id. The machine's `respond` effect is the one place a group is answered through the core.

import { executorFor, type MachineState } from '../../src/machines/index.ts';
import { iopfRespond, type IopfCoreEnv } from '../../src/iopf/core.ts';
import type { IopfCode, IopfFault } from '../../src/iopf/fault.ts';
import { hostFaultGroupMachine, type HostGroupContext, type HostGroupEvent } from '../../machines/host-fault-group.machine.ts';
import { bump, type HostState } from './host-state.ts';
import { EffectScratch } from '../effect-scratch.ts';
import { append } from '../../src/util/append.ts';

const exec = executorFor(hostFaultGroupMachine);
const REQ_LAST: HostGroupEvent = { type: 'req.last' };
const REQ_PARTIAL: HostGroupEvent = { type: 'req.partial' };
const scratch = new EffectScratch();

/** rid * 512 + prgi while both fit their fields (16 and 9 bits), else the text `${rid}:${prgi}`. */
function partialKey(f: IopfFault): number | string {
  return f.rid === (f.rid & 0xffff) && f.prgi === (f.prgi & 0x1ff) ? f.rid * 0x200 + f.prgi : `${f.rid}:${f.prgi}`;
}

/** A non-last request joined the core's partial list. */
export function lifePartial(s: HostState, f: IopfFault): void {
  const key = partialKey(f);
  let m = s.life.partial.get(key);
  if (m === undefined) s.life.partial.set(key, (m = takeMachine(s)));
  stepIgnoringEffects(m, REQ_PARTIAL);
}

/** The core formed group `groupId` on last request `f`: its partial set becomes a pending group. */
export function lifeGroup(s: HostState, f: IopfFault, groupId: number): void {
  const key = partialKey(f);
  const m = s.life.partial.get(key) ?? takeMachine(s);
  s.life.partial.delete(key);
  stepIgnoringEffects(m, REQ_LAST);
  s.life.groups.set(groupId, m);
}

/** Every open partial set was freed by the core (PRO cleared). */
export function lifeDiscardPartials(s: HostState): void {
  for (const [key, m] of s.life.partial) {
    exec.step(m, { type: 'partial.discard' }, []);
    finish(s, m);
    s.life.partial.delete(key);
  }
}

/** iopf_queue_remove_device freed function `rid`'s partials: their partial sets end discarded. */
export function lifeRemovePartials(s: HostState, rid: number, env: IopfCoreEnv): void {
  for (const [key, m] of s.life.partial) {
    if (typeof key === 'number' ? Math.floor(key / 0x200) !== rid : !key.startsWith(`${rid}:`)) continue;
    exec.step(m, { type: 'device.removed' }, []);
    finish(s, m);
    s.life.partial.delete(key);
  }
  void env;
}

/** Feed a group event; returns whether the machine took it. Effects answer the group through the core. */
export function lifeEvent(s: HostState, groupId: number, ev: HostGroupEvent, env: IopfCoreEnv): boolean {
  const m = s.life.groups.get(groupId);
  if (m === undefined) return false;
  const effects = scratch.take();
  const taken = exec.step(m, ev, effects);
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    if (e.type !== 'respond') continue;
    // The page response passes the user's write() on, or is iommufd's own auto-response (checker auto flag).
    s.answeringForUser = m.context.answeredBy === 'user';
    iopfRespond(s.core, groupId, (e.params as { code: number }).code as IopfCode, env);
    s.answeringForUser = false;
  }
  scratch.give(effects);
  if (m.status === 'done') {
    finish(s, m);
    s.life.groups.delete(groupId);
  }
  return taken;
}

export function lifeStateOf(s: HostState, groupId: number): MachineState<HostGroupContext> | undefined {
  return s.life.groups.get(groupId);
}

/** A step whose effects the partial-set states never have (the machine emits `respond` only for a pending group). */
function stepIgnoringEffects(m: MachineState<HostGroupContext>, ev: HostGroupEvent): void {
  const effects = scratch.take();
  exec.step(m, ev, effects);
  scratch.give(effects);
}

/** A machine state ended (done or discarded): counted by final state, then kept for the next partial set. */
function finish(s: HostState, m: MachineState<HostGroupContext>): void {
  bump(s.life.finals, m.value);
  append(s.life.free, m);
}

/**
 * A machine state for a new partial set: a finished one reset, or a new one. One per group alive
 * at once instead of one per group (issue 9).
 */
function takeMachine(s: HostState): MachineState<HostGroupContext> {
  const m = s.life.free.pop();
  if (m === undefined) {
    s.life.made++;
    return exec.initial();
  }
  exec.reset(m);
  return m;
}
