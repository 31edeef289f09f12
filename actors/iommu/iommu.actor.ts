// The iommu tier: the physical VT-d IOMMU between the device and the host driver. It
// answers ATS translations (ats.ts), produces the PRQ (page-request.ts, via the shared
// producer in src/queues/prq-producer.ts), serves the PRQ registers, and executes the command
// queue (command-queue.ts). Channels: in 'dev->iommu', 'host->iommu'; out 'iommu->dev',
// 'iommu->host'. Everything sent on one channel keeps its order (outboxes), which is what
// makes a PQT read answer arrive after every descriptor written before it.

import { defineActor, type ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { prqReadRegister, prqWriteRegister } from '../../src/queues/prq-producer.ts';
import type { IommuConfig } from '../../src/config/tier-configs.ts';
import { backlogSize, flushOutbox, sendOrQueue } from '../../src/actor/outbox.ts';
import { onAtsDone, onAtsRequest } from './ats.ts';
import { acceptCommand, itagsInUse, onAtcCompletion, onAtcInvWatch, onIotlbInvTimeUp } from './command-queue.ts';
import { initIommu, type IommuState } from './iommu-state.ts';
import { onPageRequest } from './page-request.ts';

export const iommuActor = defineActor<IommuState, IommuConfig>({
  kind: 'iommu',
  module: import.meta.url,
  init: (cfg) => initIommu(cfg),
  step(s, msg, ctx) {
    switch (msg.type) {
      case 'sys.start':
        return;
      case 'sys.writable':
        flushOutbox(s.outboxes, ctx, msg.channel);
        return;
      case 'pci.atsReq':
        onAtsRequest(s, msg, ctx);
        return;
      case 'pci.pageReq':
        onPageRequest(s, msg, ctx);
        return;
      case 'pci.atcInvCpl':
        onAtcCompletion(s, msg, ctx);
        return;
      // The device's PASID stop status, after its page requests: on to the host in the same order.
      case 'pci.pasidStopped':
        sendOrQueue(s.outboxes, ctx, 'iommu->host', msg);
        return;
      case 'iommu.atcInvWatch':
        onAtcInvWatch(s, ctx);
        return;
      case 'iommu.atsDone':
        onAtsDone(s, msg, ctx);
        return;
      case 'iommu.iotlbInvDone':
        onIotlbInvTimeUp(s, ctx);
        return;
      case 'mmio.write':
        onRegisterWrite(s, msg, ctx);
        return;
      case 'mmio.read':
        onRegisterRead(s, msg, ctx);
        return;
      case 'cmd.pgResp':
      case 'cmd.iotlbInv':
      case 'cmd.devtlbInv':
      case 'cmd.wait':
      case 'cmd.ctxPri':
      case 'cmd.devReset':
      case 'cmd.pasidCtl':
        acceptCommand(s, msg, ctx);
        return;
      default:
        ctx.assert(false, 'FAULTLINE_UNEXPECTED_MESSAGE', `iommu got '${msg.type}'`);
    }
  },
  pending: (s) => itagsInUse(s) + s.cmdQueue.length + s.atsDelayed + backlogSize(s.outboxes),
  stats: (s) => iommuStats(s),
});

function onRegisterWrite(s: IommuState, m: MessageByType<'mmio.write'>, ctx: ActorCtx): void {
  s.n.registerWrites++;
  const r = prqWriteRegister(s.prq, m.reg, m.value);
  if (r === 'readOnly') s.n.registerWritesReadOnly++;
  else if (r === 'unknownRegister') s.n.registerUnknown++;
  if (r !== 'ok') ctx.mark('iommu.badRegisterWrite');
}

/** Unknown registers read as 0, as reserved MMIO does. */
function onRegisterRead(s: IommuState, m: MessageByType<'mmio.read'>, ctx: ActorCtx): void {
  s.n.registerReads++;
  const value = prqReadRegister(s.prq, m.reg);
  if (value === null) s.n.registerUnknown++;
  sendOrQueue(s.outboxes, ctx, 'iommu->host', { type: 'mmio.readResult', reg: m.reg, tag: m.tag, value: value ?? 0 });
}

export function iommuStats(s: IommuState): Record<string, unknown> {
  const n = s.n;
  return {
    ats: { requests: n.atsRequests, hits: n.atsHits, misses: n.atsMisses, walks: n.atsWalks, notPresent: n.atsNotPresent, unknownSpace: n.atsUnknownSpace, outOfRange: n.atsOutOfRange },
    prq: { queued: n.prqQueued, irqsRaised: n.irqsRaised, tail: s.prq.tail, head: s.prq.head, ppr: s.prq.ppr, pro: s.prq.pro },
    drops: { full: n.dropFull, overflow: n.dropOverflow, priDisabled: n.dropPriDisabled, stopMarkerOnOverflow: n.dropStopMarkerOnOverflow },
    autoResponses: { success: n.autoResponseSuccess, invalid: n.autoResponseInvalid },
    implicitInvalidations: n.implicitInvalidations,
    pre: { enabled: Object.values(s.priEnabled).filter((on) => on).length, enables: n.preEnables, disables: n.preDisables },
    responses: { forwarded: n.responsesForwarded, pasidStripped: n.responsesPasidStripped, badCommands: n.badCommands },
    invalidations: {
      iotlb: n.iotlbInvalidations,
      iotlbEntries: n.iotlbEntriesInvalidated,
      iotlbTimed: n.iotlbInvsTimed,
      atsHitsDuringIotlbInv: n.atsHitsDuringIotlbInv,
      devtlb: n.devtlbInvalidations,
      devtlbCompleted: n.devtlbCompleted,
      itagsInUse: itagsInUse(s),
      itagStalls: n.itagStalls,
      unexpectedAtcCompletions: n.unexpectedAtcCompletions,
      waitsDone: n.waitsDone,
      commandsQueued: s.cmdQueue.length,
      timeouts: n.atcInvTimeouts,
      waitsWithIte: n.waitsWithIte,
    },
    registers: { writes: n.registerWrites, reads: n.registerReads, readOnlyWrites: n.registerWritesReadOnly, unknown: n.registerUnknown },
  };
}
