// Timeline pasidReuse (issue 4, PASID lifecycle; iopf-domain.md §1.5, §3.1, §6): the guest
// frees a PASID and gives it to a new address space; the host driver runs the sequence, one
// machine per (RID, PASID) (machines/pasid.machine.ts):
//   1. stop: cmd.pasidCtl STOP → the device stops DMA on the PASID, waiting for its
//      outstanding responses or (stopMarker) at once with a Stop Marker, and reports the stop
//      after its last page request (pci.pasidStopped, in order behind them).
//   2. drain (VT-d intel/prq.c intel_iommu_drain_pasid_prq), chk.drainStart first:
//      a. PRQ scan: wait until the PRQ holds no request of that RID and PASID — or, for
//         IOMMU_NO_PASID, no request without a PASID (`!req->pasid_present && pasid !=
//         IOMMU_NO_PASID` is skipped, so RID-only entries match; R2, fixed in 6.14) — the IRQ
//         thread processed every one (Stop Markers among them are dropped there);
//      b. iopf_queue_flush_dev(): flushes the IOPF workqueue only. The iommufd handler runs in
//         the IRQ thread and puts groups on the fault object, not on that workqueue, so there is
//         nothing to wait for: groups already delivered to iommufd are not waited for;
//      c. fence: IOTLB + device-TLB invalidation of the PASID (of the domain and the RID for
//         IOMMU_NO_PASID) and an invalidation wait, which completes only after the device
//         answered the ATC invalidation, behind every earlier page request and response
//         (posted-write ordering);
//      d. PRS read: PRO set → drain again from (a); clear → chk.drainDone. Nothing of the PASID
//         is left in the hardware queues or the IOPF core (I5).
//   3. before the PASID is reused, what iommufd still holds of it is answered: in mainline
//      iommufd_auto_response_faults() answers it Invalid when the handle is detached, and the
//      guest drains its own PASID (its own intel_iommu_drain_pasid_prq and IOPF flush) before it
//      frees it. Here the PASID's nested hwpt stays attached across the reuse (the host acts as
//      the guest's stand-in), so the host waits until user space answered every group of the
//      PASID the fault object holds (unread ones are read and answered too) — I5 checks at
//      chk.pasidBind that no group of the old incarnation is unanswered.
//   4. unbind, then bind the new address space: its stage-1 PTEs in guest.s1 cleared (the
//      guest's new, empty table; the host writes it here as the guest's stand-in), the IOTLB
//      of the space flushed, chk.pasidBind with the next incarnation, cmd.pasidCtl BIND → the
//      device drops its ATC entries of the PASID, counts the new incarnation and resumes DMA.
// Bug no-drain-before-reuse (R1): step 4 right after step 1, no drain.
// A drain whose user never answers waits (the run then fails I8).

import type { ActorCtx } from '../../src/actor/define.ts';
import { executorFor, type Effect, type MachineState } from '../../src/machines/index.ts';
import { NO_PASID } from '../../src/protocol/iommufd.ts';
import { pasidOp, prsBit, vtdReg } from '../../src/protocol/iopf.ts';
import { decodePageRequest } from '../../src/protocol/layouts.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import type { TimelineEvent } from '../../src/config/timeline.ts';
import type { HostConfig } from '../../src/config/tier-configs.ts';
import { pasidMachine, type PasidContext } from '../../machines/pasid.machine.ts';
import { sendOrQueue } from '../../src/actor/outbox.ts';
import type { HostState } from './host-state.ts';
import { TO_IOMMU } from './prq-thread.ts';

const pasidExec = executorFor(pasidMachine);

/** Tags of the drain's waits and PRS reads (the PRQ consumer's and HWPT_INVALIDATE's stay far below). */
const DRAIN_TAG_BASE = 0x40000000;
const S1 = 'guest.s1';
const PTE_PRESENT = 1;
const PTE_VERSION_SHIFT = 8;
const PTE_VERSION_MASK = 0xffffff;

type DrainStep = 'scan' | 'fence' | 'status' | 'answer' | 'none';

interface PasidLife {
  rid: number;
  pasid: number;
  asid: number;
  machine: MachineState<PasidContext>;
  step: DrainStep;
  tag: number;
}

export interface HostPasidCounters {
  reuses: number;
  reusesSkippedBusy: number;
  drains: number;
  drainRetries: number;
  rebinds: number;
  rebindsWithoutDrain: number;
  ptesCleared: number;
}

export interface HostPasids {
  lives: PasidLife[];
  nextTag: number;
  noDrain: boolean;
  n: HostPasidCounters;
}

export function createHostPasids(cfg: HostConfig): HostPasids {
  return {
    lives: [],
    nextTag: DRAIN_TAG_BASE,
    noDrain: cfg.bugs.includes('no-drain-before-reuse'),
    n: { reuses: 0, reusesSkippedBusy: 0, drains: 0, drainRetries: 0, rebinds: 0, rebindsWithoutDrain: 0, ptesCleared: 0 },
  };
}

/** Lifecycles not back in 'active' (work owed: the run is not quiescent). */
export function pasidBusy(s: HostState): number {
  let n = 0;
  for (const l of s.pasids.lives) if (l.machine.value !== 'active') n++;
  return n;
}

function lifeOf(s: HostState, rid: number, pasid: number): PasidLife | undefined {
  let l = s.pasids.lives.find((x) => x.rid === rid && x.pasid === pasid);
  if (l === undefined) {
    // IOMMU_NO_PASID names the RID's address space (pasid null in the config).
    const sp = s.cfg.spaces.find((x) => x.rid === rid && x.pasid === (pasid === NO_PASID ? null : pasid));
    if (sp === undefined) return undefined;
    l = { rid, pasid, asid: sp.asid, machine: pasidExec.initial(undefined as never), step: 'none', tag: 0 };
    s.pasids.lives.push(l);
  }
  return l;
}

/** The timeline event: free the PASID (step 1). */
export function startPasidReuse(s: HostState, ctx: ActorCtx, e: TimelineEvent): void {
  const l = e.rid === null || e.pasid === null ? undefined : lifeOf(s, e.rid, e.pasid);
  if (l === undefined) return;
  if (l.machine.value !== 'active') {
    s.pasids.n.reusesSkippedBusy++;
    return;
  }
  s.pasids.n.reuses++;
  run(s, ctx, l, { type: 'pasid.stop', stopMarker: e.stopMarker === true });
}

/** pci.pasidStopped: drain (step 2), or with R1 rebind at once. */
export function onPasidStopped(s: HostState, ctx: ActorCtx, m: MessageByType<'pci.pasidStopped'>): void {
  const l = lifeOf(s, m.rid, m.pasid);
  if (l === undefined || !run(s, ctx, l, { type: 'pasid.stopped' })) return;
  if (s.pasids.noDrain) {
    s.pasids.n.rebindsWithoutDrain++;
    ctx.mark('host.rebind-without-drain');
    run(s, ctx, l, { type: 'pasid.rebindNow' });
    run(s, ctx, l, { type: 'pasid.resume' });
    return;
  }
  run(s, ctx, l, { type: 'drain.start' });
  pollPasidDrains(s, ctx);
}

/** After the IRQ thread ran or user space answered: drains waiting on the PRQ scan, and drained PASIDs waiting on user space, move on. */
export function pollPasidDrains(s: HostState, ctx: ActorCtx): void {
  for (const l of s.pasids.lives) {
    // Step 2b, iopf_queue_flush_dev, has nothing to wait for: straight on to the fence.
    if (l.step === 'scan' && !prqHolds(s, l)) fence(s, ctx, l);
    if (l.step === 'answer' && !corePending(s, l)) {
      l.step = 'none';
      run(s, ctx, l, { type: 'pasid.bind' });
      run(s, ctx, l, { type: 'pasid.resume' });
    }
  }
}

/** cmd.waitDone of a drain's fence: read PRS. False when the tag is not a drain's. */
export function onPasidDrainWaitDone(s: HostState, ctx: ActorCtx, tag: number): boolean {
  const l = lifeWaiting(s.pasids.lives, 'fence', tag);
  if (l === undefined) return false;
  l.step = 'status';
  l.tag = nextTag(s);
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'mmio.read', reg: vtdReg.PRS, tag: l.tag });
  return true;
}

/**
 * The first drain at `step` waiting for `tag`: a loop, not find() with a closure over the tag
 * (every register read answer and every wait completion of the host asks, with no drain
 * running almost always; issue 9).
 */
function lifeWaiting(lives: readonly PasidLife[], step: PasidLife['step'], tag: number): PasidLife | undefined {
  for (let i = 0; i < lives.length; i++) {
    const l = lives[i]!;
    if (l.step === step && l.tag === tag) return l;
  }
  return undefined;
}

/** The PRS read of a drain: PRO → again, else done, unbind and bind the new address space. */
export function onPasidDrainRead(s: HostState, ctx: ActorCtx, reg: number, tag: number, value: number): boolean {
  if (reg !== vtdReg.PRS) return false;
  const l = lifeWaiting(s.pasids.lives, 'status', tag);
  if (l === undefined) return false;
  if ((value & prsBit.PRO) !== 0) {
    run(s, ctx, l, { type: 'drain.retry' });
    pollPasidDrains(s, ctx);
    return true;
  }
  run(s, ctx, l, { type: 'drain.done' });
  l.step = 'answer';
  pollPasidDrains(s, ctx);
  return true;
}

function run(s: HostState, ctx: ActorCtx, l: PasidLife, ev: Parameters<typeof pasidExec.step>[1]): boolean {
  const fx: Effect[] = [];
  const handled = pasidExec.step(l.machine, ev, fx);
  for (const e of fx) apply(s, ctx, l, e);
  return handled;
}

function apply(s: HostState, ctx: ActorCtx, l: PasidLife, e: Effect): void {
  const p = e.params as { stopMarker?: boolean; gen?: number } | undefined;
  switch (e.type) {
    case 'requestStop':
      ctx.mark(p?.stopMarker ? 'host.pasid-stop-marker-requested' : 'host.pasid-stop-requested');
      sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.pasidCtl', rid: l.rid, pasid: l.pasid, op: pasidOp.STOP, stopMarker: p?.stopMarker === true });
      return;
    case 'startDrain':
      s.pasids.n.drains++;
      ctx.check({ type: 'chk.drainStart', rid: l.rid, pasid: l.pasid, gen: p!.gen! });
      l.step = 'scan';
      return;
    case 'retryDrain':
      s.pasids.n.drainRetries++;
      ctx.mark('host.drain-retry');
      l.step = 'scan';
      return;
    case 'finishDrain':
      l.step = 'none';
      ctx.check({ type: 'chk.drainDone', rid: l.rid, pasid: l.pasid, gen: p!.gen! });
      ctx.mark('host.drain-done');
      return;
    case 'bindNew':
      bindNew(s, ctx, l, p!.gen!);
      return;
    default:
  }
}

/** The scan's match (intel_iommu_drain_pasid_prq): same RID, and the PASID — or no PASID when draining IOMMU_NO_PASID. */
export function drainScanMatches(r: { rid: number; pasidPresent: boolean; pasid: number }, rid: number, pasid: number): boolean {
  if (r.rid !== rid) return false;
  return r.pasidPresent ? r.pasid === pasid : pasid === NO_PASID;
}

function prqHolds(s: HostState, l: PasidLife): boolean {
  return s.prq.arrived.some((d) => drainScanMatches(decodePageRequest(d), l.rid, l.pasid));
}

function corePending(s: HostState, l: PasidLife): boolean {
  const dev = s.core.devices[l.rid];
  if (dev === undefined) return false;
  return dev.pending.some((gid) => {
    const f = s.core.groups.get(gid)?.faults.at(-1);
    return f !== undefined && drainScanMatches({ rid: f.rid, pasidPresent: f.pasidValid, pasid: f.pasid }, l.rid, l.pasid);
  });
}

/** Step 2c: IOTLB and device-TLB invalidation of the PASID, then a wait that fences them. */
function fence(s: HostState, ctx: ActorCtx, l: PasidLife): void {
  l.step = 'fence';
  l.tag = nextTag(s);
  const pages = s.cfg.pagesPerAsid ?? 0;
  // IOMMU_NO_PASID: qi_desc_iotlb (domain-selective) and qi_desc_dev_iotlb without a PASID.
  const pasidPresent = l.pasid !== NO_PASID;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.iotlbInv', did: l.asid, pasidPresent, pasid: l.pasid, addr: 0, pages: 0 });
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.devtlbInv', rid: l.rid, pasidPresent, pasid: l.pasid, addr: 0, pages: pages > 0 ? pages : 0xffffffff });
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.wait', tag: l.tag });
}

/** Step 3: the new, empty address space, then the device. */
function bindNew(s: HostState, ctx: ActorCtx, l: PasidLife, gen: number): void {
  const ppa = s.cfg.pagesPerAsid ?? 0;
  const mem = ctx.mem(S1);
  const base = l.asid * ppa;
  for (let page = 0; page < ppa; page++) {
    const old = mem.load(base + page) >>> 0;
    if ((old & PTE_PRESENT) === 0) continue;
    const version = ((old >>> PTE_VERSION_SHIFT) + 1) & PTE_VERSION_MASK;
    mem.store(base + page, (version << PTE_VERSION_SHIFT) | 0);
    s.pasids.n.ptesCleared++;
  }
  s.pasids.n.rebinds++;
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.iotlbInv', did: l.asid, pasidPresent: l.pasid !== NO_PASID, pasid: l.pasid, addr: 0, pages: 0 });
  ctx.check({ type: 'chk.pasidBind', rid: l.rid, pasid: l.pasid, gen });
  ctx.mark('host.pasid-rebound');
  sendOrQueue(s.outboxes, ctx, TO_IOMMU, { type: 'cmd.pasidCtl', rid: l.rid, pasid: l.pasid, op: pasidOp.BIND, stopMarker: false });
}

function nextTag(s: HostState): number {
  const t = s.pasids.nextTag;
  s.pasids.nextTag = t + 1 >= 0x7fffffff ? DRAIN_TAG_BASE : t + 1;
  return t;
}
