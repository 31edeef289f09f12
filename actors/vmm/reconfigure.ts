// The VMM's part of the scenario timeline (src/config/timeline.ts): reconfigurations QEMU
// performs on its iommufd objects while faults are in flight (reference §5.3, R10–R12).
//
// - replaceHwpt (the guest changed a PASID entry): QEMU keeps one FAULTQ per (device, PASID)
//   cache entry, so a new FAULTQ is allocated, a new nested hwpt on it, the space is moved
//   with REPLACE (iommufd auto-answers the old hwpt's unread and read-but-unanswered groups of
//   that attachment Invalid), the old hwpt is destroyed, and the old FAULTQ is closed and
//   destroyed once no space of the VMM uses it any more (the setup FAULTQ is shared by every
//   space, so it stays while others use it). Choice: new fault object per replaced entry, as
//   QEMU — with one shared object, a replace that answers through the wrong hwpt (R11) would
//   find the same object and the bug would be invisible.
// - destroyHwpt: DETACH (auto-answers the attachment's groups), DESTROY the hwpt, then the
//   FAULTQ as above.
// - closeFaultFd: close the fd of a space's FAULTQ (default: the shared setup one) with groups
//   pending; the VMM forgets the cookies read from it and stops reading it; then every space
//   on it is moved off with REPLACE to the nesting parent (pt_id 0: no iopf handler, so IOPF is
//   disabled when it was the device's last fault-capable attachment) and its hwpt destroyed;
//   last the fault object is destroyed, which auto-answers whatever is left in it.
//
// Forgetting: once the host auto-answered a space's groups (REPLACE / DETACH returned) or the
// fd is closed, the VMM drops its remembered {PRGI, cookie} pairs for them and the responses
// not yet written (queued WRITE records): a late write of such a cookie could answer another
// group that reused the cookie. The guest's later answers for them find no pair (counted as
// unmatched). Reconfigurations run one at a time; each call is queued behind the calls
// already waiting (reads and writes go on in between).

import type { ActorCtx } from '../../src/actor/define.ts';
import { hwptAllocFlag, NO_PASID, ufdOp } from '../../src/protocol/iommufd.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import { eventsOf, type TimelineEvent } from '../../src/config/timeline.ts';
import type { VmmConfig } from '../../src/config/tier-configs.ts';
import { forgetFaultsWhere } from './remembered-faults.ts';
import { queueCall } from './syscalls.ts';
import type { Syscall, VmmState } from './vmm-state.ts';

/** Bug toggle (R20): a guest Response Failure is written as iommufd code 2, which the host refuses. */
export const BUG_FAILURE_PASSTHROUGH = 'vmm-failure-passthrough';
/** pt_id 0: the nesting parent, a domain without an iopf handler. */
const NESTING_PARENT = 0;
/** Setup not finished when an event is due: look again this much later. */
const RETRY_NS = 10_000;

export type ReconfStep = 'allocFault' | 'allocHwpt' | 'replace' | 'detach' | 'destroyOldHwpt' | 'closeOldFd' | 'park' | 'destroyParkedHwpt' | 'destroyOldFault';

export interface ReconfJob {
  action: 'replaceHwpt' | 'destroyHwpt' | 'closeFaultFd';
  /** Target space, or -1 (closeFaultFd of the shared FAULTQ). */
  asid: number;
  steps: ReconfStep[];
  /** Index of the step whose call is in flight or next. */
  at: number;
  oldHwpt: number;
  oldFaultId: number;
  oldFd: number;
  newFaultId: number;
  newFd: number;
  newHwpt: number;
  /** closeFaultFd: the spaces still to move off the FAULTQ (the head is being moved). */
  moving: number[];
}

export interface ReconfCounters {
  events: number;
  jobsDone: number;
  jobsFailed: number;
  /** Events naming a space without a hwpt (already torn down) or an unknown space. */
  skipped: number;
  /** Remembered pairs dropped because the host auto-answered their groups or the fd was closed. */
  pairsForgotten: number;
  /** Response records dropped from WRITEs not issued yet, for the same reason. */
  recordsDropped: number;
  /** Calls on a closed fd taken out of the queue. */
  callsDropped: number;
  /** vmm-failure-passthrough: records with code 2 the host refused. */
  failureCodesRejected: number;
}

export interface ReconfState {
  events: TimelineEvent[];
  failurePassthrough: boolean;
  running: ReconfJob | null;
  waiting: ReconfJob[];
  n: ReconfCounters;
}

export function createReconfState(cfg: VmmConfig): ReconfState {
  return {
    events: eventsOf(cfg.events, 'vmm'),
    failurePassthrough: cfg.bugs.includes(BUG_FAILURE_PASSTHROUGH),
    running: null,
    waiting: [],
    n: { events: 0, jobsDone: 0, jobsFailed: 0, skipped: 0, pairsForgotten: 0, recordsDropped: 0, callsDropped: 0, failureCodesRejected: 0 },
  };
}

/** sys.start: one timer per timeline event of the VMM. */
export function scheduleVmmEvents(s: VmmState, ctx: ActorCtx): void {
  s.reconf.events.forEach((e, index) => ctx.timer(e.atNs, { type: 'vmm.event', index }));
}

export function onVmmEvent(s: VmmState, index: number, ctx: ActorCtx): void {
  const e = s.reconf.events[index];
  if (e === undefined) return;
  if (s.setup === 'running' || s.setup === 'idle') {
    ctx.timer(RETRY_NS, { type: 'vmm.event', index });
    return;
  }
  s.reconf.n.events++;
  const job = planJob(s, e);
  if (job === null) {
    s.reconf.n.skipped++;
    ctx.mark('vmm.reconf-skipped');
    return;
  }
  s.reconf.waiting.push(job);
  startNextJob(s, ctx);
}

function asidOf(s: VmmState, e: TimelineEvent): number {
  if (e.rid === null) return -1;
  return s.cfg.spaces.find((sp) => sp.rid === e.rid && sp.pasid === e.pasid)?.asid ?? -2;
}

function planJob(s: VmmState, e: TimelineEvent): ReconfJob | null {
  const asid = asidOf(s, e);
  if (asid === -2 || s.setup !== 'done') return null;
  const job: ReconfJob = {
    action: e.action as ReconfJob['action'],
    asid,
    steps: [],
    at: 0,
    oldHwpt: 0,
    oldFaultId: 0,
    oldFd: 0,
    newFaultId: 0,
    newFd: 0,
    newHwpt: 0,
    moving: [],
  };
  if (e.action === 'closeFaultFd') {
    job.steps = ['closeOldFd', 'park', 'destroyParkedHwpt', 'destroyOldFault'];
    return job;
  }
  if (asid < 0 || s.hwpts[asid] === undefined || s.spaceFault[asid] === undefined) return null;
  job.steps = e.action === 'replaceHwpt' ? ['allocFault', 'allocHwpt', 'replace', 'destroyOldHwpt', 'closeOldFd', 'destroyOldFault'] : ['detach', 'destroyOldHwpt', 'closeOldFd', 'destroyOldFault'];
  return job;
}

function startNextJob(s: VmmState, ctx: ActorCtx): void {
  const r = s.reconf;
  if (r.running !== null) return;
  const job = r.waiting.shift();
  if (job === undefined) return;
  // The state the job starts from is read now: an earlier job may have changed it.
  if (job.action === 'closeFaultFd') {
    const f = job.asid >= 0 ? s.spaceFault[job.asid] : s.faultFds.includes(s.faultFd) ? { faultId: s.faultId, fd: s.faultFd } : undefined;
    if (f === undefined) return skip(s, ctx);
    job.oldFaultId = f.faultId;
    job.oldFd = f.fd;
    job.moving = spacesOn(s, f.fd);
  } else {
    const f = s.spaceFault[job.asid];
    const hwpt = s.hwpts[job.asid];
    if (f === undefined || hwpt === undefined) return skip(s, ctx);
    job.oldHwpt = hwpt;
    job.oldFaultId = f.faultId;
    job.oldFd = f.fd;
  }
  r.running = job;
  ctx.mark(`vmm.${job.action}-started`);
  issueStep(s, ctx);
}

function skip(s: VmmState, ctx: ActorCtx): void {
  s.reconf.n.skipped++;
  ctx.mark('vmm.reconf-skipped');
  startNextJob(s, ctx);
}

function spacesOn(s: VmmState, fd: number): number[] {
  return s.cfg.spaces.filter((sp) => s.spaceFault[sp.asid]?.fd === fd && s.hwpts[sp.asid] !== undefined).map((sp) => sp.asid);
}

function faultInUse(s: VmmState, fd: number): boolean {
  return Object.values(s.spaceFault).some((f) => f.fd === fd);
}

/** Queue the job's current step, skipping steps that do not apply. */
function issueStep(s: VmmState, ctx: ActorCtx): void {
  const job = s.reconf.running!;
  for (;;) {
    const step = job.steps[job.at];
    if (step === undefined) return finishJob(s, ctx, true);
    const call = callOf(s, job, step);
    if (call !== null) {
      queueCall(s, ctx, call[0], call[1], { kind: 'reconf', job });
      return;
    }
    job.at++;
  }
}

function callOf(s: VmmState, job: ReconfJob, step: ReconfStep): [number, [number, number, number, number]] | null {
  const space = (asid: number) => s.cfg.spaces.find((sp) => sp.asid === asid)!;
  switch (step) {
    case 'allocFault':
      return [ufdOp.FAULT_QUEUE_ALLOC, [0, 0, 0, 0]];
    case 'allocHwpt':
      return [ufdOp.HWPT_ALLOC, [space(job.asid).devId, NESTING_PARENT, hwptAllocFlag.FAULT_ID_VALID, job.newFaultId]];
    case 'replace':
      return [ufdOp.REPLACE, [space(job.asid).devId, job.newHwpt, space(job.asid).pasid ?? NO_PASID, 0]];
    case 'detach':
      return [ufdOp.DETACH, [space(job.asid).devId, space(job.asid).pasid ?? NO_PASID, 0, 0]];
    case 'destroyOldHwpt':
      return [ufdOp.DESTROY, [job.oldHwpt, 0, 0, 0]];
    case 'closeOldFd':
      // The FAULTQ is closed once nothing of the VMM uses it (closeFaultFd: at once).
      if (job.action !== 'closeFaultFd' && faultInUse(s, job.oldFd)) return null;
      return [ufdOp.CLOSE, [job.oldFd, 0, 0, 0]];
    case 'park': {
      const asid = job.moving[0];
      if (asid === undefined) return null;
      return [ufdOp.REPLACE, [space(asid).devId, NESTING_PARENT, space(asid).pasid ?? NO_PASID, 0]];
    }
    case 'destroyParkedHwpt':
      return job.oldHwpt === 0 ? null : [ufdOp.DESTROY, [job.oldHwpt, 0, 0, 0]];
    case 'destroyOldFault':
      if (faultInUse(s, job.oldFd)) return null;
      return [ufdOp.DESTROY, [job.oldFaultId, 0, 0, 0]];
    default:
      return null;
  }
}

export function onReconfResult(s: VmmState, call: Syscall, m: MessageByType<'ufd.ret'>, ctx: ActorCtx): void {
  if (call.purpose.kind !== 'reconf') return;
  const job = call.purpose.job;
  const step = job.steps[job.at]!;
  if (m.ret < 0) {
    ctx.mark('vmm.reconf-call-failed');
    // A failed allocation or move leaves the space as it was; teardown steps just go on.
    if (step === 'allocFault' || step === 'allocHwpt' || step === 'replace' || step === 'detach') return finishJob(s, ctx, false);
  }
  switch (step) {
    case 'allocFault':
      job.newFaultId = m.out0;
      job.newFd = m.out1;
      s.faultFds.push(m.out1);
      break;
    case 'allocHwpt':
      job.newHwpt = m.out0;
      break;
    case 'replace':
      s.hwpts[job.asid] = job.newHwpt;
      s.spaceFault[job.asid] = { faultId: job.newFaultId, fd: job.newFd };
      forgetSpace(s, job.asid, job.oldFd);
      ctx.mark('vmm.replace-done');
      break;
    case 'detach':
      delete s.hwpts[job.asid];
      delete s.spaceFault[job.asid];
      forgetSpace(s, job.asid, job.oldFd);
      ctx.mark('vmm.detach-done');
      break;
    case 'closeOldFd':
      forgetFd(s, job.oldFd);
      ctx.mark('vmm.fault-fd-closed');
      break;
    case 'park': {
      const asid = job.moving.shift()!;
      job.oldHwpt = m.ret < 0 ? 0 : (s.hwpts[asid] ?? 0);
      if (m.ret >= 0) {
        delete s.hwpts[asid];
        delete s.spaceFault[asid];
      }
      break;
    }
    case 'destroyParkedHwpt':
      job.oldHwpt = 0;
      // More spaces to move off: park the next one.
      if (job.moving.length > 0) {
        job.at = job.steps.indexOf('park');
        issueStep(s, ctx);
        return;
      }
      break;
    default:
  }
  job.at++;
  issueStep(s, ctx);
}

function finishJob(s: VmmState, ctx: ActorCtx, ok: boolean): void {
  const r = s.reconf;
  const job = r.running;
  r.running = null;
  if (ok) r.n.jobsDone++;
  else r.n.jobsFailed++;
  if (job !== null) ctx.mark(`vmm.${job.action}-${ok ? 'done' : 'failed'}`);
  startNextJob(s, ctx);
}

/** The host auto-answered space `asid`'s groups of fault fd `fd`: drop their pairs and unwritten responses. */
export function forgetSpace(s: VmmState, asid: number, fd: number): void {
  forgetWhere(s, (x) => x.asid === asid && x.fd === fd);
}

/** The fd is closed: stop reading it, drop its pairs, unwritten responses and queued calls. */
export function forgetFd(s: VmmState, fd: number): void {
  s.faultFds = s.faultFds.filter((f) => f !== fd);
  s.rereadFds = s.rereadFds.filter((f) => f !== fd);
  forgetWhere(s, (x) => x.fd === fd);
  const before = s.callQueue.length;
  s.callQueue = s.callQueue.filter((c) => !((c.purpose.kind === 'read' || c.purpose.kind === 'write') && c.a0 === fd));
  s.reconf.n.callsDropped += before - s.callQueue.length;
}

function forgetWhere(s: VmmState, match: (x: { asid: number; fd: number }) => boolean): void {
  const r = s.reconf.n;
  r.pairsForgotten += forgetFaultsWhere(s, match);
  for (const c of s.callQueue) {
    if (c.purpose.kind !== 'write') continue;
    const kept = c.purpose.records.filter((x) => !match(x));
    r.recordsDropped += c.purpose.records.length - kept.length;
    c.purpose.records = kept;
    c.a1 = kept.length * 8;
  }
  const n = s.callQueue.length;
  s.callQueue = s.callQueue.filter((c) => c.purpose.kind !== 'write' || c.purpose.records.length > 0);
  r.callsDropped += n - s.callQueue.length;
}

export function reconfStats(s: VmmState): Record<string, unknown> {
  return { ...s.reconf.n, running: s.reconf.running?.action ?? null, waiting: s.reconf.waiting.length, fdsOpen: s.faultFds.length };
}
