// The host tier: the host IOMMU driver (IRQ thread consuming the PRQ, IOPF core, VT-d
// page_response) and iommufd (objects, fault fd) serving the VMM's syscalls. Receives on
// 'iommu->host' and 'vmm->host', sends on 'host->iommu' and 'host->vmm'.

import { defineActor } from '../../src/actor/define.ts';
import { iopfPartialCount, iopfPendingGroups } from '../../src/iopf/core.ts';
import { prqConsumerDescriptor, prqConsumerIrq, prqConsumerPending, prqConsumerReadResult, prqConsumerReport } from '../../src/queues/prq-consumer.ts';
import type { HostConfig } from '../../src/config/tier-configs.ts';
import { backlogSize, flushOutbox } from '../../src/actor/outbox.ts';
import { createHostState, type HostState } from './host-state.ts';
import { hostDriver } from './prq-thread.ts';
import { bufferInvEntry, onInvWaitDone } from './invalidate.ts';
import { bufferWriteRec, replySyscall, ufdCall } from './syscalls.ts';
import { onPasidDrainRead, onPasidDrainWaitDone, onPasidStopped, pasidBusy, pollPasidDrains } from './pasid-reuse.ts';
import { onHostEvent, scheduleHostEvents } from './timeline.ts';
import { responseCookies } from './ufd-objects.ts';

export const hostActor = defineActor<HostState, HostConfig>({
  kind: 'host',
  module: import.meta.url,
  init: (cfg) => createHostState(cfg),
  step(s, msg, ctx) {
    switch (msg.type) {
      case 'sys.start':
        scheduleHostEvents(s, ctx);
        return;
      case 'host.event':
        onHostEvent(s, msg.index, ctx, hostDriver(s, ctx));
        return;
      case 'sys.writable':
        flushOutbox(s.outboxes, ctx, msg.channel);
        return;
      case 'prq.desc':
        prqConsumerDescriptor(s.prq, msg);
        return;
      case 'prq.irq':
        prqConsumerIrq(s.prq, hostDriver(s, ctx));
        return;
      case 'mmio.readResult':
        if (onPasidDrainRead(s, ctx, msg.reg, msg.tag, msg.value)) return;
        prqConsumerReadResult(s.prq, msg.reg, msg.tag, msg.value, hostDriver(s, ctx));
        if (s.pasids.lives.length > 0) pollPasidDrains(s, ctx);
        return;
      case 'pci.pasidStopped':
        onPasidStopped(s, ctx, msg);
        return;
      case 'ufd.writeRec':
        bufferWriteRec(s, msg);
        return;
      case 'ufd.call':
        ufdCall(s, ctx, hostDriver(s, ctx), msg);
        if (s.pasids.lives.length > 0) pollPasidDrains(s, ctx);
        return;
      case 'ufd.invEntry':
        bufferInvEntry(s, msg);
        return;
      case 'cmd.waitDone': {
        if (onPasidDrainWaitDone(s, ctx, msg.tag)) return;
        // The invalidation wait of a HWPT_INVALIDATE: the call returns now (unknown tags are counted).
        const done = onInvWaitDone(s, msg);
        if (done !== null) replySyscall(s, ctx, done.seq, done.op, done.r);
        return;
      }
      default:
        ctx.assert(false, 'FAULTLINE_UNEXPECTED_MESSAGE', `host got '${msg.type}'`);
    }
  },
  pending: (s) => iopfPendingGroups(s.core) + prqConsumerPending(s.prq) + s.inv.calls.size + backlogSize(s.outboxes) + pasidBusy(s),
  stats: (s) => hostStats(s),
});

export function hostStats(s: HostState): Record<string, unknown> {
  const p = s.prq.stats;
  const c = s.core.stats;
  let deliverList = 0;
  let readUnanswered = 0;
  for (const f of Object.values(s.ufd.faults)) {
    deliverList += f.deliver.length;
    readUnanswered += responseCookies(f).length;
  }
  return {
    ...prqConsumerReport(p),
    malformed: s.stats.malformed,
    badRequestsAnswered: s.stats.badRequestsAnswered,
    stopMarkers: s.stats.stopMarkers,
    groupsReported: c.groupsReported,
    groupsDelivered: s.stats.groupsDelivered,
    groupsAnsweredByUser: s.stats.groupsAnsweredByUser,
    answered: { success: c.answeredSuccess, invalid: c.answeredInvalid, failure: c.answeredFailure },
    autoAnswered: s.stats.autoAnswered,
    noHandler: { answered: c.noHandlerAnswered, partialsDropped: c.noHandlerPartialsDropped, partialsAnswered: c.noHandlerPartialsAnswered },
    partialsDiscarded: c.partialsDiscarded,
    partialSetsDiscarded: s.stats.partialSetsDiscarded,
    duplicateResponsesDropped: c.duplicateResponsesDropped,
    staleGroupsDropped: s.stats.staleGroupsDropped,
    pollins: s.stats.pollins,
    fdClosedWithPending: s.stats.fdClosedWithPending,
    iopf: { enables: s.stats.iopfEnables, disables: s.stats.iopfDisables, vfRefused: s.stats.iopfVfRefused },
    writeRecsIgnored: s.stats.writeRecsIgnored,
    unexpectedMessages: s.stats.unexpectedMessages,
    syscalls: s.stats.syscalls,
    groupFinals: s.life.finals,
    invalidate: { ...s.inv.n, callsWaiting: s.inv.calls.size },
    pendingGroups: iopfPendingGroups(s.core),
    partials: iopfPartialCount(s.core),
    deliverList,
    readUnanswered,
    outboxBacklog: backlogSize(s.outboxes),
    timeline: s.timeline.n,
    pasidReuse: s.pasids.n,
    hops: s.hops,
  };
}
