// PCIe page requests entering the IOMMU: the context-entry PRE check (PRE is off until the host
// enables IOPF for the device; PRE off → Invalid Request for a last request, nothing for the
// rest, every one counted), then the VT-d PRQ producer through the shared producer glue
// (src/queues/prq-producer-glue.ts, with this tier's side of it). A queued
// request becomes a `prq.desc` (+ `prq.irq` per the event rule) and implicitly invalidates the
// IOTLB entry of its page (QEMU's VT-d model), so the retried translation walks again. A
// dropped last request gets the configured auto-response; Stop Markers never get one.

import type { ActorCtx } from '../../src/actor/define.ts';
import { checkLayer, checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import { prgCode } from '../../src/protocol/iopf.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { prqDescMessage, producePageRequest, type PrqProducerSide } from '../../src/queues/prq-producer-glue.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import { PAGE_BYTES } from './ats.ts';
import { iotlbDrop, iotlbKey } from './iotlb.ts';
import { responseCarriesPasid, spaceKey, type IommuState } from './iommu-state.ts';

type PageReq = MessageByType<'pci.pageReq'>;

/** The IOMMU side of the shared producer glue: the physical PRQ towards the host, mmio.* registers. */
export const iommuPrqSide: PrqProducerSide = {
  queue: checkQueue.prq,
  channel: 'iommu->host',
  desc: 'prq.desc',
  irq: 'prq.irq',
  readResult: 'mmio.readResult',
  marks: { full: 'iommu.prqFull', overflow: 'iommu.prqDropWhileOverflow', badRegisterWrite: 'iommu.badRegisterWrite' },
};

export function isStopMarker(m: PageReq): boolean {
  return m.last && !m.rd && !m.wr && m.pasidPresent;
}

export function onPageRequest(s: IommuState, m: PageReq, ctx: ActorCtx): void {
  if (s.priEnabled[m.rid] !== true) {
    s.n.dropPriDisabled++;
    ctx.mark('iommu.priDisabledRequest');
    ctx.check({ type: 'chk.queue', queue: checkQueue.prq, op: checkQueueOp.drop, ghost: m.ghost, count: 1, reason: checkReason.priDisabled });
    if (m.last && !isStopMarker(m)) autoRespond(s, m, prgCode.INVALID, ctx);
    return;
  }
  const r = producePageRequest(s.prq, iommuPrqSide, s.outboxes, ctx, prqDescMessage(iommuPrqSide, m, m.ghost), s.cfg.overflowAutoResponse);
  if (r.raiseIrq) s.n.irqsRaised++;
  if (r.kind === 'queued') {
    s.n.prqQueued++;
    if (s.cfg.implicitInvalidation && !isStopMarker(m)) implicitInvalidate(s, m);
    return;
  }
  if (r.stopMarker) s.n.dropStopMarkerOnOverflow++;
  else if (r.reason === 'full') s.n.dropFull++;
  else s.n.dropOverflow++;
  if (r.autoResponseCode !== null) {
    ctx.mark('iommu.prqAutoResponse');
    autoRespond(s, m, r.autoResponseCode, ctx);
  }
}

function implicitInvalidate(s: IommuState, m: PageReq): void {
  // Only a configured space's translations are ever filled (ats.ts): an unknown one has none to drop.
  const sp = s.spaces.get(spaceKey(m.rid, m.pasidPresent ? m.pasid : null));
  if (sp === undefined) return;
  if (iotlbDrop(s.iotlb, iotlbKey(sp, Math.floor(m.addr / PAGE_BYTES)))) s.n.implicitInvalidations++;
}

function autoRespond(s: IommuState, m: PageReq, code: number, ctx: ActorCtx): void {
  if (code === prgCode.SUCCESS) s.n.autoResponseSuccess++;
  else s.n.autoResponseInvalid++;
  ctx.check({ type: 'chk.respond', layer: checkLayer.iommu, ghost: m.ghost, code, rid: m.rid, prgi: m.prgi, auto: true });
  const withPasid = responseCarriesPasid(s, m.rid, m.pasidPresent);
  sendOrQueue(s.outboxes, ctx, 'iommu->dev', {
    type: 'pci.prgResp',
    rid: m.rid,
    pasidPresent: withPasid,
    pasid: withPasid ? m.pasid : 0,
    prgi: m.prgi,
    code,
  });
}
