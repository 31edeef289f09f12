// The guest tier: a Linux-like guest IOMMU driver consuming the virtual PRQ, fixing its
// stage-1 page tables (ctx.mem('guest.s1')) and answering on the virtual command queue.
// Receives on 'vmm->guest', sends on 'guest->vmm'. While a pauseGuest window is open, work
// that needs a vCPU waits and is replayed at the heal (pause.ts).

import { defineActor, type ActorCtx, type Inbound } from '../../src/actor/define.ts';
import { iopfPartialCount, iopfPendingGroups } from '../../src/iopf/core.ts';
import { prqConsumerDescriptor, prqConsumerIrq, prqConsumerPending, prqConsumerReadResult, prqConsumerReport } from '../../src/queues/prq-consumer.ts';
import type { GuestConfig } from '../../src/config/tier-configs.ts';
import { backlogSize, flushOutbox } from '../../src/actor/outbox.ts';
import { guestDriver, handlerDone } from './guest-driver.ts';
import { createGuestState, type GuestState } from './guest-state.ts';
import { defer, isPaused, needsVcpu, resume } from './pause.ts';
import { onGuestEvent, scheduleGuestEvents } from './timeline.ts';
import { onUnmapTick, onWaitDone, startUnmaps, unmapStats } from './unmap.ts';

export const guestActor = defineActor<GuestState, GuestConfig>({
  kind: 'guest',
  module: import.meta.url,
  init: (cfg) => createGuestState(cfg),
  step: guestStep,
  pending: (s) => iopfPendingGroups(s.core) + prqConsumerPending(s.prq) + s.unmap.waits.size + backlogSize(s.outboxes) + s.pause.deferred.length,
  stats: guestStats,
});

function guestStep(s: GuestState, msg: Inbound, ctx: ActorCtx): void {
  if (isPaused(s.pause) && needsVcpu(msg, s.timeline.events)) {
    defer(s.pause, msg);
    return;
  }
  switch (msg.type) {
    case 'sys.start':
      startUnmaps(s, ctx);
      scheduleGuestEvents(s.timeline, s.cfg, ctx);
      return;
    case 'guest.event':
      onGuestEvent(s.timeline, s.pause, s.cfg, msg.index, ctx);
      return;
    case 'guest.resume':
      for (const m of resume(s.pause, ctx)) guestStep(s, m, ctx);
      return;
    case 'sys.writable':
      flushOutbox(s.outboxes, ctx, msg.channel);
      return;
    case 'vprq.desc':
      prqConsumerDescriptor(s.prq, msg);
      return;
    case 'vprq.irq':
      prqConsumerIrq(s.prq, guestDriver(s, ctx));
      return;
    case 'vmmio.readResult':
      prqConsumerReadResult(s.prq, msg.reg, msg.tag, msg.value, guestDriver(s, ctx));
      return;
    case 'guest.handlerDone':
      handlerDone(s, ctx, msg.groupId);
      return;
    case 'guest.unmapTick':
      onUnmapTick(s, ctx);
      return;
    case 'vcmd.waitDone':
      onWaitDone(s, ctx, msg);
      return;
    default:
      ctx.assert(false, 'FAULTLINE_UNEXPECTED_MESSAGE', `guest got '${msg.type}'`);
  }
}

function guestStats(s: GuestState): Record<string, unknown> {
  const c = s.core.stats;
  const p = s.prq.stats;
  return {
    groupsReported: c.groupsReported,
    groupsHandled: s.stats.groupsHandled,
    answered: { success: c.answeredSuccess, invalid: c.answeredInvalid, failure: c.answeredFailure },
    pagesMapped: s.stats.pagesMapped,
    pagesAlreadyMapped: s.stats.pagesAlreadyMapped,
    pagesUnmappable: s.stats.pagesUnmappable,
    ...prqConsumerReport(p),
    malformed: s.stats.malformed,
    badRequestsAnswered: s.stats.badRequestsAnswered,
    stopMarkers: s.stats.stopMarkers,
    noHandler: { answered: c.noHandlerAnswered, partialsDropped: c.noHandlerPartialsDropped, partialsAnswered: c.noHandlerPartialsAnswered },
    partialsDiscarded: c.partialsDiscarded,
    overflowDiscardRounds: s.stats.overflowDiscardRounds,
    duplicateResponsesDropped: c.duplicateResponsesDropped,
    handlerTimersStale: s.stats.handlerTimersStale,
    unexpectedMessages: s.stats.unexpectedMessages,
    unmap: unmapStats(s),
    responseFailuresSent: s.timeline.failuresSent,
    pause: s.pause.stats,
    pendingGroups: iopfPendingGroups(s.core),
    partials: iopfPartialCount(s.core),
    outboxBacklog: backlogSize(s.outboxes),
    hops: s.hops,
  };
}
