// The device tier: PCIe functions running a DMA workload per address space, with an ATC, ATS
// translation requests, PRI page request groups under credits, PRG Response handling, and
// PRI Control Enable writes from software, which start the workloads of PRI functions
// (iopf-domain.md §1, actors/README.md). Sends on 'dev->iommu', receives from 'iommu->dev'.
// This file only dispatches; each concern lives in its own module.

import { defineActor } from '../../src/actor/define.ts';
import { backlogSize, flushOutbox } from '../../src/actor/outbox.ts';
import { onAtsCpl, startAccess } from './access.ts';
import { onArrivalTimer } from './arrivals.ts';
import { backlogTotal } from './backlog.ts';
import { initDevice, type DeviceActorConfig, type DeviceState } from './device-state.ts';
import { onPrgResp } from './fault.ts';
import { atcInvStats, dmaDone, onAtcInv, onAtcInvDelay } from './invalidate.ts';
import { onPriCtl } from './pri.ts';
import { onPasidCtl } from './pasid.ts';
import { onReset } from './reset.ts';
import { startWorkloads } from './start.ts';

export const deviceActor = defineActor<DeviceState, DeviceActorConfig>({
  kind: 'device',
  module: import.meta.url,
  init: initDevice,
  step(s, msg, ctx) {
    switch (msg.type) {
      case 'sys.start':
        s.running = true;
        startWorkloads(s, ctx, null);
        return;
      case 'sys.writable':
        flushOutbox(s.outboxes, ctx, msg.channel);
        return;
      case 'device.think':
        dmaDone(s, ctx, msg.slot);
        startAccess(s, ctx, msg.slot);
        return;
      case 'device.arrival':
        onArrivalTimer(s, ctx, msg.stream);
        return;
      case 'device.atcInvDelay':
        onAtcInvDelay(s, ctx, msg.inv);
        return;
      case 'pci.atsCpl':
        onAtsCpl(s, ctx, msg);
        return;
      case 'pci.prgResp':
        onPrgResp(s, ctx, msg);
        return;
      case 'pci.atcInv':
        onAtcInv(s, ctx, msg);
        return;
      case 'pci.priCtl':
        onPriCtl(s, ctx, msg);
        return;
      case 'pci.reset':
        onReset(s, ctx, msg);
        return;
      case 'pci.pasidCtl':
        onPasidCtl(s, ctx, msg);
        return;
      default:
        ctx.assert(false, 'FAULTLINE_UNEXPECTED_MESSAGE', `device got '${msg.type}'`);
    }
  },
  pending: (s) => groupsOutstanding(s) + s.translationsOutstanding + s.atcInvs.length + backlogSize(s.outboxes),
  stats: (s) => ({
    ...s.c,
    groupsOutstanding: groupsOutstanding(s),
    translationsOutstanding: s.translationsOutstanding,
    arrivalsBacklogged: backlogTotal(s),
    accessesWaitingCredits: s.fns.reduce((n, f) => n + f.waitQueue.length, 0),
    slotsActive: s.slots.filter((sl) => sl.phase !== 'stopped' && sl.phase !== 'idle').length,
    slotsNotStarted: s.slots.filter((sl) => sl.phase === 'idle').length,
    pri: Object.fromEntries(
      s.families.map((f) => [
        f.pfRid,
        {
          state: f.cap.value,
          rf: f.cap.context.rf,
          uprgi: f.cap.context.uprgi,
          enabledRids: f.fnIdxs.filter((i) => s.fns[i]!.priCtl).map((i) => s.fns[i]!.cfg.rid),
        },
      ]),
    ),
    atcInvPending: atcInvStats(s),
    faultRttNs: s.faultRttNs,
    hops: s.hops,
  }),
});

function groupsOutstanding(s: DeviceState): number {
  return s.fns.reduce((n, f) => n + f.groupsOutstanding, 0);
}
