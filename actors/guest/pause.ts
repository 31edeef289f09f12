// The guest's pauseGuest windows (src/config/timeline.ts): the VM is paused, or its vCPUs
// preempted, from atNs to untilNs. The guest owns the pause state and the work that waits
// for the vCPUs: interrupts, register read results, handler completions, invalidation wait
// completions, its own timers and room on its outbound channel. At the heal it replays that
// work in arrival order. Descriptors the VMM writes into the virtual PRQ still land while
// paused: they are guest memory written by the VMM, not guest work. Windows may overlap; the
// guest runs again when the last open one ends.

import type { ActorCtx, Inbound } from '../../src/actor/define.ts';
import type { TimelineEvent } from '../../src/config/timeline.ts';

export interface GuestPause {
  /** Windows open now (overlapping windows nest). */
  open: number;
  /** Work that arrived while paused, in arrival order. */
  deferred: Inbound[];
  stats: { pauses: number; deferred: number; deferredMax: number; pausedNs: number };
  /** When the current pause began (run time, ns). */
  sinceNs: number;
}

export function createGuestPause(): GuestPause {
  return { open: 0, deferred: [], stats: { pauses: 0, deferred: 0, deferredMax: 0, pausedNs: 0 }, sinceNs: 0 };
}

export const isPaused = (p: GuestPause): boolean => p.open > 0;

/** Whether `msg` needs a running vCPU (everything but VMM writes to guest memory and the windows themselves). */
export function needsVcpu(msg: Inbound, events: readonly TimelineEvent[]): boolean {
  switch (msg.type) {
    case 'sys.start':
    case 'vprq.desc':
    case 'guest.resume':
      return false;
    case 'guest.event':
      return events[msg.index]?.action !== 'pauseGuest';
    default:
      return true;
  }
}

/** A pauseGuest event is due: stop the vCPUs until its untilNs. */
export function pause(p: GuestPause, e: TimelineEvent, index: number, ctx: ActorCtx): void {
  const untilNs = e.untilNs;
  if (untilNs === undefined) ctx.fail('FAULTLINE_PAUSE_WINDOW', `pauseGuest event ${index} has no untilNs`);
  if (p.open === 0) {
    p.sinceNs = ctx.now();
    p.stats.pauses++;
    ctx.mark('guest.paused');
  }
  p.open++;
  ctx.timer(Math.max(0, untilNs - ctx.now()), { type: 'guest.resume', index });
}

export function defer(p: GuestPause, msg: Inbound): void {
  p.deferred.push(msg);
  p.stats.deferred++;
  if (p.deferred.length > p.stats.deferredMax) p.stats.deferredMax = p.deferred.length;
}

/** A window ended; when it was the last open one, returns the work to replay (else none). */
export function resume(p: GuestPause, ctx: ActorCtx): Inbound[] {
  p.open--;
  if (p.open > 0) return [];
  p.stats.pausedNs += ctx.now() - p.sinceNs;
  ctx.mark('guest.resumed');
  const work = p.deferred;
  p.deferred = [];
  if (work.length > 0) ctx.mark('guest.caught-up');
  return work;
}
