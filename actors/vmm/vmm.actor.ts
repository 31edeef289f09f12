// The vmm tier: QEMU with an emulated VT-d vIOMMU over iommufd (intel_iommu_accel PRQ
// injection, reference §5.3). It sets iommufd up (setup.ts), reads the fault fd and injects
// into its virtual PRQ (fault-reader.ts, via the shared producer in src/queues), serves the
// vPRQ registers to the guest, and turns the guest's page group responses into write()s
// (write-responses.ts). Channels: in 'host->vmm', 'guest->vmm'; out 'vmm->host', 'vmm->guest'.

import { defineActor, type ActorCtx } from '../../src/actor/define.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { prqReadRegister, prqWriteRegister } from '../../src/queues/prq-producer.ts';
import type { VmmConfig } from '../../src/config/tier-configs.ts';
import { backlogSize, flushOutbox, sendOrQueue } from '../../src/actor/outbox.ts';
import { onPollin, onReadResult, onRecord } from './fault-reader.ts';
import { onGuestDevtlbInv, onGuestIotlbInv, onGuestWait, onInvalidateResult } from './invalidate.ts';
import { onReconfResult, onVmmEvent, reconfStats, scheduleVmmEvents } from './reconfigure.ts';
import { onSetupResult, startSetup } from './setup.ts';
import { callsOwed, completeCall, resumeCalls } from './syscalls.ts';
import { initVmm, type VmmState } from './vmm-state.ts';
import { onGuestResponse, onWriteResult } from './write-responses.ts';

export const vmmActor = defineActor<VmmState, VmmConfig>({
  kind: 'vmm',
  module: import.meta.url,
  init: (cfg) => initVmm(cfg),
  step(s, msg, ctx) {
    switch (msg.type) {
      case 'sys.start':
        startSetup(s, ctx);
        scheduleVmmEvents(s, ctx);
        return;
      case 'vmm.event':
        onVmmEvent(s, msg.index, ctx);
        return;
      case 'sys.writable':
        flushOutbox(s.outboxes, ctx, msg.channel);
        return;
      case 'ufd.ret':
        onSyscallReturn(s, msg, ctx);
        return;
      case 'ufd.record':
        onRecord(s, msg, ctx);
        return;
      case 'ufd.pollin':
        onPollin(s, msg, ctx);
        return;
      case 'vmmio.write':
        onRegisterWrite(s, msg, ctx);
        return;
      case 'vmmio.read':
        onRegisterRead(s, msg, ctx);
        return;
      case 'vcmd.pgResp':
        onGuestResponse(s, msg, ctx);
        return;
      case 'vcmd.iotlbInv':
        onGuestIotlbInv(s, msg, ctx);
        return;
      case 'vcmd.devtlbInv':
        onGuestDevtlbInv(s);
        return;
      case 'vcmd.wait':
        onGuestWait(s, msg, ctx);
        return;
      default:
        ctx.assert(false, 'FAULTLINE_UNEXPECTED_MESSAGE', `vmm got '${msg.type}'`);
    }
  },
  pending: (s) => s.faults.length + callsOwed(s) + s.inv.waits.length + backlogSize(s.outboxes),
  stats: (s) => vmmStats(s),
});

function onSyscallReturn(s: VmmState, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): void {
  const call = completeCall(s, m, ctx);
  switch (call.purpose.kind) {
    case 'read':
      onReadResult(s, call, m, ctx);
      break;
    case 'write':
      onWriteResult(s, call, m, ctx);
      break;
    case 'invalidate':
      onInvalidateResult(s, call, m, ctx);
      break;
    case 'reconf':
      onReconfResult(s, call, m, ctx);
      break;
    default:
      onSetupResult(s, call, m, ctx);
  }
  resumeCalls(s, ctx);
}

function onRegisterWrite(s: VmmState, m: MessageByType<'vmmio.write'>, ctx: ActorCtx): void {
  s.n.registerWrites++;
  if (prqWriteRegister(s.vprq, m.reg, m.value) !== 'ok') {
    s.n.registerBad++;
    ctx.mark('vmm.badRegisterWrite');
  }
}

/** Unknown registers read as 0; the answer follows every vPRQ descriptor sent before it. */
function onRegisterRead(s: VmmState, m: MessageByType<'vmmio.read'>, ctx: ActorCtx): void {
  s.n.registerReads++;
  const value = prqReadRegister(s.vprq, m.reg);
  if (value === null) s.n.registerBad++;
  sendOrQueue(s.outboxes, ctx, 'vmm->guest', { type: 'vmmio.readResult', reg: m.reg, tag: m.tag, value: value ?? 0 });
}

export function vmmStats(s: VmmState): Record<string, unknown> {
  const n = s.n;
  return {
    setup: { state: s.setup, errors: n.setupErrors, hwpts: Object.keys(s.hwpts).length },
    syscalls: { byOp: { ...s.syscallsByOp }, errorsByOp: { ...s.syscallErrorsByOp }, errnos: { ...s.errnos }, owed: callsOwed(s) },
    reads: {
      reads: n.reads,
      fullBatches: n.readsFullBatch,
      empty: n.emptyReads,
      records: n.recordsRead,
      lengthMismatches: n.readLengthMismatches,
      unexpectedRecords: n.unexpectedRecords,
      unmappedRecords: n.unmappedRecords,
      pollinUnknownFd: n.pollinUnknownFd,
    },
    injected: { descs: n.descsInjected, groups: n.groupsInjected, irqs: n.vprqIrqs },
    vprqDrops: { full: n.vprqDropFull, overflow: n.vprqDropOverflow },
    vprq: { tail: s.vprq.tail, head: s.vprq.head, ppr: s.vprq.ppr, pro: s.vprq.pro },
    autoAnswers: n.autoAnswers,
    leakedCookies: n.leakedCookies,
    remembered: s.faults.length,
    guestResponses: n.guestResponses,
    guestFailures: n.guestFailures,
    guestBadCommands: n.guestBadCommands,
    unmatchedGuestResponses: n.unmatchedGuestResponses,
    pairsAnswered: n.pairsAnswered,
    writes: {
      calls: n.writes,
      records: n.writeRecords,
      batched: n.writeRecordsBatched,
      batchMax: n.writeBatchMax,
      errors: n.writeErrors,
      short: n.writeShort,
      consumed: n.writeRecordsConsumed,
      rejected: n.writeRecordsRejected,
      resent: n.writeRecordsResent,
      lost: n.writeRecordsLost,
    },
    guestInvalidationsNotForwarded: n.guestInvalidationsNotForwarded,
    guestWaits: n.guestWaits,
    invalidate: { ...s.inv.n, waitsPending: s.inv.waits.length },
    registers: { writes: n.registerWrites, reads: n.registerReads, bad: n.registerBad },
    reconf: reconfStats(s),
    hops: s.hops,
  };
}
