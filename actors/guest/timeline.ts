// The guest's part of the scenario timeline (src/config/timeline.ts): `guestFailure` makes its
// driver answer the next `count` groups of a device with Response Failure (PCIe 0xF) instead of
// its handler's answer — what a guest does when it gives up on a device's faults. The VMM
// cannot pass that code to iommufd (only Success/Invalid): it maps it (vmm.guestFailureMapsTo),
// or with bug vmm-failure-passthrough writes code 2, which the host refuses (R20).
// `pauseGuest` stops the guest's vCPUs until the window's end (pause.ts). At start the guest
// also announces the scenario's liveness plan to the checker (I8), as the tier that runs the
// fault windows: the checker has no other door to the scenario.

import type { ActorCtx } from '../../src/actor/define.ts';
import { eventsOf, type TimelineEvent } from '../../src/config/timeline.ts';
import type { GuestConfig } from '../../src/config/tier-configs.ts';
import { pause, type GuestPause } from './pause.ts';

export interface GuestTimeline {
  events: TimelineEvent[];
  /** vRID → groups still to be answered Response Failure. */
  failuresOwed: Record<number, number>;
  failuresSent: number;
}

export function createGuestTimeline(cfg: GuestConfig): GuestTimeline {
  return { events: eventsOf(cfg.events, 'guest'), failuresOwed: {}, failuresSent: 0 };
}

export function scheduleGuestEvents(t: GuestTimeline, cfg: GuestConfig, ctx: ActorCtx): void {
  if (cfg.liveness !== undefined) ctx.check({ type: 'chk.liveness', healAtNs: cfg.liveness.healAtNs, boundNs: cfg.liveness.boundNs });
  t.events.forEach((e, index) => ctx.timer(e.atNs, { type: 'guest.event', index }));
}

export function onGuestEvent(t: GuestTimeline, p: GuestPause, cfg: GuestConfig, index: number, ctx: ActorCtx): void {
  const e = t.events[index];
  if (e?.action === 'pauseGuest') {
    pause(p, e, index, ctx);
    return;
  }
  if (e === undefined || e.action !== 'guestFailure') return;
  // The guest knows the device by its vRID.
  const vrid = cfg.spaces.find((sp) => sp.rid === e.rid)?.vrid;
  if (vrid === undefined) return;
  t.failuresOwed[vrid] = (t.failuresOwed[vrid] ?? 0) + e.count;
  ctx.mark('guest.failure-armed');
}

/** Whether the group of device `vrid` is to be answered Response Failure (consumes one). */
export function takeFailure(t: GuestTimeline, vrid: number, ctx: ActorCtx): boolean {
  const n = t.failuresOwed[vrid] ?? 0;
  if (n <= 0) return false;
  t.failuresOwed[vrid] = n - 1;
  t.failuresSent++;
  ctx.mark('guest.response-failure');
  return true;
}
