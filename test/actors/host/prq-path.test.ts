// The host IRQ thread: bad requests answered Invalid only when last, Stop Markers dropped,
// no-handler requests, RID-only responses, batches and PRQ overflow handling.

import { describe, expect, it } from 'vitest';
import { hostActor } from '../../../actors/host/host.actor.ts';
import { hwptAllocFlag, NO_PASID, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import { createHostHarness } from '../../../src/harness/host-harness.ts';
import { harness, hostConfig, RID1, RID2, withFaultHwpt } from './host-fixture.ts';

const R = pgfaultPerm.READ;
const W = pgfaultPerm.WRITE;

describe('host IRQ thread', () => {
  it('answers a malformed last request Invalid with its RID, PASID and PRGI, and drops a malformed non-last one', () => {
    const h = harness();
    withFaultHwpt(h);
    h.triggerIopf({ rid: 0x777, pasid: 3, grpid: 5, perm: R, addr: 0x1000, last: false });
    h.triggerIopf({ rid: 0x777, pasid: 3, grpid: 5, perm: R, addr: 0x1000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 6, perm: R, addr: 2 ** 47 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 7, perm: R | pgfaultPerm.EXEC, addr: 0x1000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 8, perm: W | pgfaultPerm.PRIV, addr: 0x1000 });
    expect(h.takeResponses()).toEqual([
      { type: 9, pasidPresent: true, code: 1, rid: 0x777, pasid: 3, prgi: 5 },
      { type: 9, pasidPresent: true, code: 1, rid: RID1, pasid: 1, prgi: 6 },
      { type: 9, pasidPresent: true, code: 1, rid: RID1, pasid: 1, prgi: 7 },
      { type: 9, pasidPresent: true, code: 1, rid: RID1, pasid: 1, prgi: 8 },
    ]);
    expect(h.state.stats.malformed).toEqual({ unknownRid: 2, nonCanonical: 1, execWithRead: 1, privWithAccess: 1 });
    expect(h.state.core.stats.reported).toBe(0);
  });

  it('drops Stop Markers without a response', () => {
    const h = harness();
    withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 3, perm: 0, addr: 0x1000 });
    expect(h.takeResponses()).toEqual([]);
    expect(h.state.stats.stopMarkers).toBe(1);
  });

  it('answers Invalid when nothing fault-capable is attached, with no PASID for a RID request', () => {
    const h = harness();
    const f = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    const plain = h.ioctl(ufdOp.HWPT_ALLOC, 2, 0, 0, f.out0).out0; // FAULT_ID_VALID not set: no fault object
    h.ioctl(ufdOp.ATTACH, 2, plain, NO_PASID);
    h.triggerIopf({ devId: 2, pasid: null, grpid: 9, perm: R, addr: 0x1000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R, addr: 0x1000 });
    expect(h.takeResponses()).toEqual([
      { type: 9, pasidPresent: false, code: 1, rid: RID2, pasid: 0, prgi: 9 },
      { type: 9, pasidPresent: true, code: 1, rid: RID1, pasid: 1, prgi: 4 },
    ]);
    expect(h.state.core.stats.noHandlerAnswered).toBe(2);
  });

  it('delivers RID-only faults without PASID_VALID and answers them without PASID', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h, NO_PASID, 2);
    h.triggerIopf({ devId: 2, pasid: null, grpid: 9, perm: W, addr: 0x5000 });
    const r = h.read(fd, 40);
    expect(r.records.map((x) => [x.devId, x.flags, x.pasid, x.perm])).toEqual([[2, 2, 0, W]]);
    h.write(fd, [{ cookie: r.records[0]!.cookie, code: 0 }]);
    expect(h.takeResponses()).toEqual([{ type: 9, pasidPresent: false, code: 0, rid: RID2, pasid: 0, prgi: 9 }]);
  });

  it('processes every descriptor up to the tail it read as one batch and writes PQH once', () => {
    const h = harness();
    withFaultHwpt(h);
    for (const g of [1, 2, 3]) h.enqueue({ devId: 1, pasid: 1, grpid: g, perm: R, addr: 0x1000 * g });
    h.pump();
    expect(h.state.prq.stats.batches).toBe(1);
    expect(h.state.prq.stats.batchMax).toBe(3);
    expect(h.prq.head).toBe(3);
    expect(h.state.core.stats.groupsReported).toBe(3);
  });

  it('on overflow clears PRO once the queue is empty and discards the partial groups', () => {
    const h = harness([], 4);
    withFaultHwpt(h);
    h.enqueue({ devId: 1, pasid: 1, grpid: 5, perm: R, addr: 0x1000, last: false });
    h.enqueue({ devId: 1, pasid: 1, grpid: 5, perm: R, addr: 0x2000, last: false });
    h.enqueue({ devId: 1, pasid: 1, grpid: 6, perm: R, addr: 0x3000 });
    expect(h.enqueue({ devId: 1, pasid: 1, grpid: 5, perm: R, addr: 0x4000 }).kind).toBe('dropped');
    expect(h.prq.pro).toBe(true);
    h.pump();
    expect(h.prq.pro).toBe(false);
    expect(h.state.core.stats.partialsDiscarded).toBe(2);
    expect(h.state.life.finals).toEqual({ discarded: 1 });
    expect(hostActor.stats!(h.state)).toMatchObject({ overflowsSeen: 1, overflowsCleared: 1, groupsReported: 1, partials: 0 });
  });

  it('counts syscalls by op and errno in its stats', () => {
    const h = harness();
    h.ioctl(ufdOp.FAULT_QUEUE_ALLOC, 0);
    h.ioctl(ufdOp.ATTACH, 99, 0, 1);
    h.ioctl(ufdOp.HWPT_ALLOC, 1, 0, hwptAllocFlag.NEST_PARENT, 0);
    expect(h.state.stats.syscalls).toEqual({
      FAULT_QUEUE_ALLOC: { calls: 1, ok: 1, errno: {} },
      ATTACH: { calls: 1, ok: 0, errno: { ENOENT: 1 } },
      HWPT_ALLOC: { calls: 1, ok: 0, errno: { EOPNOTSUPP: 1 } },
    });
  });
  // io-pgfault.c find_fault_handler(): a PASID request with no handle of its own goes to the nested
  // domain at IOMMU_NO_PASID only when ops->user_pasid_table is set (the selftest mock, SMMUv3).
  it('a PASID request on a RID-attached nested hwpt: no handler on VT-d, delivered with iommu.userPasidTable', () => {
    const vtd = harness();
    withFaultHwpt(vtd, NO_PASID, 1);
    vtd.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: pgfaultPerm.READ, addr: 0x1000 });
    expect(vtd.state.core.stats.noHandlerAnswered).toBe(1);
    expect(vtd.takeResponses().map((r) => [r.prgi, r.code])).toEqual([[2, 1]]);

    const cfg = hostConfig();
    cfg.userPasidTable = true;
    const smmu = createHostHarness(cfg);
    const { fd } = withFaultHwpt(smmu, NO_PASID, 1);
    smmu.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: pgfaultPerm.READ, addr: 0x1000 });
    expect(smmu.state.core.stats.noHandlerAnswered).toBe(0);
    expect(smmu.read(fd, 40).records.map((r) => [r.pasid, r.grpid])).toEqual([[1, 2]]);
  });
  // intel/prq.c intel_iommu_page_response(): desc.qw1 = QI_PGRP_IDX(prm->grpid) — no LPIG since
  // 4402e8f39d0b (bit 66 reserved since VT-d 4.0); handle_bad_prq_event() likewise.
  it('page group responses never set the old LPIG bit (QW1 bit 2), for groups and bad last requests', () => {
    const h = harness();
    withFaultHwpt(h, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 3, perm: R, addr: 0x1000 });
    h.ioctl(ufdOp.DETACH, 1, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 4, perm: R | pgfaultPerm.EXEC, addr: 0x2000 });
    const resps = h.commands.filter((m) => m.type === 'cmd.pgResp');
    expect(resps).toHaveLength(2);
    for (const m of resps) expect(m.type === 'cmd.pgResp' && m.w2 & 0x7).toBe(0);
  });
});
