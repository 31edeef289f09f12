// The guest IOMMU driver's fault path: the vPRQ IRQ thread (shared PRQ consumer and its glue,
// src/queues/prq-consumer-glue.ts, with vmmio.* registers and the shared bad-request checks),
// its IOPF core with one handler per address space of the config (vRID, vPASID or RID), and
// one guest-group machine per group: the
// handler runs for handlerCostNs (a guest.handlerDone timer), then the group is answered with a
// Page Group Response on the virtual command queue (vcmd.pgResp). The callbacks the core and
// the consumer need are one GuestDriver per step.

import type { ActorCtx } from '../../src/actor/define.ts';
import { iopfRespond, type IopfGroup } from '../../src/iopf/core.ts';
import { iopfCode, type IopfCode } from '../../src/iopf/fault.ts';
import { executorFor, type MachineState } from '../../src/machines/index.ts';
import { checkLayer, checkQueue } from '../../src/protocol/check-events.ts';
import { PrqDriverCache, PrqDriverGlue, type PrqConsumerSide } from '../../src/queues/prq-consumer-glue.ts';
import { guestGroupMachine, type GuestGroupContext, type GuestGroupEvent } from '../../machines/guest-group.machine.ts';
import { stamp } from '../../src/metrics/hop-stamps.ts';
import { handleGroup, type HandlerOutcome } from './fault-handler.ts';
import { takeFailure } from './timeline.ts';
import type { GuestState } from './guest-state.ts';
import { EffectScratch } from '../effect-scratch.ts';
import { spaceOfGuestPair, vridKnown } from '../space-index.ts';
import { append } from '../../src/util/append.ts';

export const TO_VMM = 'guest->vmm';
export const GUEST_S1 = 'guest.s1';

const exec = executorFor(guestGroupMachine);
const scratch = new EffectScratch();
const HANDLE_START: GuestGroupEvent = { type: 'handle.start' };
/** Reused per group (issue 9): the machine copies the input's and the event's fields, and the handler's outcome is read at once. */
const groupInput = { faults: 0 };
const outcome: HandlerOutcome = { code: iopfCode.SUCCESS, pagesMapped: 0 };
const handleDone = { type: 'handle.done' as const, code: 0 as 0 | 1, pagesMapped: 0 };

/** The guest side of the shared consumer glue: the vPRQ, vmmio.* and vcmd.pgResp towards the VMM; no marks. */
const guestSide: PrqConsumerSide = {
  layer: checkLayer.guest,
  queue: checkQueue.vprq,
  channel: TO_VMM,
  pgResp: 'vcmd.pgResp',
  respondedHop: 'guest.responded',
  marks: { stopMarkerDropped: null, noHandler: null, overflowCleared: null, partialsDiscarded: null },
};

/**
 * The guest driver's callbacks for one step, as one object: the IOPF core's env (handler per
 * address space by vRID and vPASID or RID, page_response on the virtual command queue, the
 * handler start) and the vPRQ consumer's sink, on the shared glue. Methods live on the
 * prototype, so a step allocates this one object.
 */
export class GuestDriver extends PrqDriverGlue<GuestState> {
  constructor(s: GuestState, ctx: ActorCtx) {
    super(s, ctx, guestSide);
  }

  findHandler(rid: number, pasidValid: boolean, pasid: number): number | null {
    return spaceOfGuestPair(this.s.spaceIndex, rid, pasidValid ? pasid : null)?.asid ?? null;
  }

  handle(group: IopfGroup): void {
    startGroup(this.s, this.ctx, group);
  }

  ridKnown(rid: number): boolean {
    return vridKnown(this.s.spaceIndex, rid);
  }

  /**
   * Every guest core answer goes out with auto false, its no-handler Invalid answers included
   * (the host marks those auto). I2 never judges the guest's flag, so this only shows in traces.
   */
  protected answerIsAuto(): boolean {
    return false;
  }

  protected override partialsDiscarded(): void {
    this.s.stats.overflowDiscardRounds++;
  }
}

const guestDrivers = new PrqDriverCache<GuestState, GuestDriver>((s, ctx) => new GuestDriver(s, ctx));
/** The GuestDriver of (s, ctx), one per guest and ctx (PrqDriverCache). */
export function guestDriver(s: GuestState, ctx: ActorCtx): GuestDriver {
  return guestDrivers.driverOf(s, ctx);
}

function startGroup(s: GuestState, ctx: ActorCtx, group: IopfGroup): void {
  const ghost = group.faults[group.faults.length - 1]!.ghost;
  stamp(s.hops['guest.received'], ghost, ctx.now());
  ctx.check({ type: 'chk.deliver', layer: checkLayer.guest, ghost, requests: group.faults.length });
  groupInput.faults = group.faults.length;
  const m = takeGroupMachine(s);
  s.groups.set(group.id, m);
  const effects = scratch.take();
  exec.step(m, HANDLE_START, effects);
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    if (e.type === 'armHandler') ctx.timer(ctx.delayNs(s.cfg.handlerCostNs), { type: 'guest.handlerDone', groupId: group.id });
  }
  scratch.give(effects);
}

/** The handler's work is done: fix guest.s1 and answer the group through the core. */
export function handlerDone(s: GuestState, ctx: ActorCtx, groupId: number): void {
  const m = s.groups.get(groupId);
  const group = s.core.groups.get(groupId);
  if (m === undefined || group === undefined) {
    s.stats.handlerTimersStale++;
    return;
  }
  handleGroup(s, ctx.mem(GUEST_S1), group, outcome);
  handleDone.code = outcome.code as 0 | 1;
  handleDone.pagesMapped = outcome.pagesMapped;
  const effects = scratch.take();
  exec.step(m, handleDone, effects);
  if (!(m.status === 'done')) ctx.assert(false, 'FAULTLINE_GUEST_GROUP', `group ${groupId} not answered after its handler ran (state ${m.value})`);
  // A timeline guestFailure answers this device's next groups Response Failure instead (timeline.ts).
  const fail = takeFailure(s.timeline, group.rid, ctx);
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    if (e.type === 'respond') iopfRespond(s.core, groupId, fail ? iopfCode.FAILURE : ((e.params as { code: number }).code as IopfCode), guestDriver(s, ctx));
  }
  scratch.give(effects);
  s.stats.groupsHandled++;
  s.groups.delete(groupId);
  append(s.groupPool.free, m);
}

/**
 * A group machine started on groupInput: an answered group's state reset, or a new one. One per
 * group handled at once instead of one per group (issue 9); groups dropped otherwise (none today)
 * would be left to the GC.
 */
function takeGroupMachine(s: GuestState): MachineState<GuestGroupContext> {
  const m = s.groupPool.free.pop();
  if (m === undefined) {
    s.groupPool.made++;
    return exec.initial(groupInput);
  }
  exec.reset(m, groupInput);
  return m;
}
