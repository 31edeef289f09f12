// The fault fd's file operations (iommufd/eventq.c): read() delivers whole groups as 40-byte
// records with a cookie allocated at read time, write() takes 8-byte {cookie, code}
// responses, close() drops the fd's reference. Errors are -errno values. Each read record also
// carries the group's simulator-only ghost id (its last request's), outside the 40 bytes.

import { iopfRespond, type IopfCoreEnv } from '../../src/iopf/core.ts';
import type { IopfCode } from '../../src/iopf/fault.ts';
import { errno, iopfPrmFlag, pageResponseBytes, pageRespCode, pgfaultBytes } from '../../src/protocol/iommufd.ts';
import { encodePgfaultInto, type PgfaultRecord } from '../../src/protocol/layouts.ts';
import type { MessageByType } from '../../src/protocol/messages.ts';
import type { ActorCtx } from '../../src/actor/define.ts';
import type { HostGroupEvent } from '../../machines/host-fault-group.machine.ts';
import { faultQueueRead, faultQueueTake } from './fault-queue.ts';
import { lifeEvent } from './group-life.ts';
import { lateResponseAfterRemove } from './timeline.ts';
import type { HostState } from './host-state.ts';
import { allocCookie, freeCookie, responseCookies, type UfdFault } from './ufd-objects.ts';
import { err, ok, type SyscallResult } from './ufd-ioctl.ts';

export const EBADF = errno.EBADF;

// A user response as a shared event per code (write() accepts only these two): not one object per record (issue 9).
const USER_SUCCESS: HostGroupEvent = { type: 'user.respond', code: 0 };
const USER_INVALID: HostGroupEvent = { type: 'user.respond', code: 1 };

/** A record's fields, refilled per request read: encodePgfaultInto only reads them into the message's words. */
const pgfaultFields: PgfaultRecord = { flags: 0, devId: 0, pasid: 0, grpid: 0, perm: 0, addr: 0, length: 0, cookie: 0 };

/** The read event, one object refilled per group delivered: the machine only copies its cookie (issue 9). */
const READ_EVENT = { type: 'fault.read' as const, cookie: 0 };

/**
 * A 40-byte record as the ufd.record message that carries it to the reader (the call's seq,
 * the words, the group's ghost id: simulator-only, never decoded by iommufd), built once.
 */
export type RecordMessage = MessageByType<'ufd.record'>;

function openFault(s: HostState, fd: number): UfdFault | undefined {
  const id = s.ufd.fds[fd];
  return id === undefined ? undefined : s.ufd.faults[id];
}

/**
 * fault->prm.flags as the VT-d driver reports them (intel/prq.c intel_prq_report: LAST_PAGE if
 * lpig; PASID_VALID | RESPONSE_NEEDS_PASID if pasid_present), copied into the record verbatim
 * by eventq.c iommufd_compose_fault_message (`hwpt_fault->flags = fault->prm.flags`).
 */
export function prmFlagsOf(pasidValid: boolean, last: boolean): number {
  return (pasidValid ? iopfPrmFlag.PASID_VALID | iopfPrmFlag.RESPONSE_NEEDS_PASID : 0) | (last ? iopfPrmFlag.LAST_PAGE : 0);
}

/** read(2) of `count` bytes on `fd`, for the syscall `seq` its records answer, appended to `records` (the caller sends them). */
export function faultRead(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, fd: number, count: number, seq: number, records: RecordMessage[]): SyscallResult {
  const fault = openFault(s, fd);
  if (fault === undefined) return err(EBADF);
  if (count % pgfaultBytes !== 0) return err(errno.ESPIPE);
  let room = count;
  while (fault.deliver.length > 0) {
    const gid = fault.deliver[0]!;
    const group = s.core.groups.get(gid);
    if (group === undefined) {
      // Answered behind iommufd's back (device removed): nothing left to deliver.
      fault.deliver.shift();
      faultQueueTake(fault, gid, ctx);
      s.stats.staleGroupsDropped++;
      continue;
    }
    // Whole groups only: a group that does not fit stays at the head.
    if (group.faults.length * pgfaultBytes > room) break;
    fault.deliver.shift();
    const cookie = allocCookie(fault);
    fault.response[cookie] = gid;
    const devId = s.ufd.ridToDevId[group.rid]!;
    const ghost = group.faults[group.faults.length - 1]!.ghost;
    faultQueueRead(ghost, ctx);
    const faults = group.faults;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      const flags = prmFlagsOf(f.pasidValid, f.last);
      // Encoded straight into the message (issue 9: no words object, no record copied into a message).
      const record: RecordMessage = { type: 'ufd.record', seq, w0: 0, w1: 0, w2: 0, w3: 0, w4: 0, w5: 0, w6: 0, w7: 0, w8: 0, w9: 0, ghost };
      const fields = pgfaultFields;
      fields.flags = flags;
      fields.devId = devId;
      fields.pasid = f.pasid;
      fields.grpid = f.prgi;
      fields.perm = f.perm;
      fields.addr = f.addr;
      fields.cookie = cookie;
      records.push(encodePgfaultInto(fields, record));
    }
    room -= group.faults.length * pgfaultBytes;
    READ_EVENT.cookie = cookie;
    lifeEvent(s, gid, READ_EVENT, env);
    s.stats.groupsDelivered++;
  }
  // ok()'s fields written out rather than spread and extended: one read per batch of groups (issue 9).
  return { ret: count - room, out0: 0, out1: 0 };
}

export function faultWrite(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, fd: number, count: number, recs: readonly { cookie: number; code: number }[]): SyscallResult {
  const fault = openFault(s, fd);
  if (fault === undefined) return err(EBADF);
  // Mainline eventq.c answers a partial record with -ESPIPE, as read() does (not EINVAL).
  if (count % pageResponseBytes !== 0) return err(errno.ESPIPE);
  const n = count / pageResponseBytes;
  if (recs.length > n) s.stats.writeRecsIgnored += recs.length - n;
  let done = 0;
  let rc = 0;
  for (let i = 0; i < n; i++) {
    const r = recs[i];
    // Fewer records than count announced: copy_from_user faults.
    if (r === undefined) {
      rc = -errno.EFAULT;
      break;
    }
    if (r.code !== pageRespCode.SUCCESS && r.code !== pageRespCode.INVALID) {
      rc = -errno.EINVAL;
      break;
    }
    const gid = fault.response[r.cookie];
    if (gid === undefined) {
      rc = -errno.EINVAL;
      break;
    }
    freeCookie(fault, r.cookie);
    faultQueueTake(fault, gid, ctx);
    if (lifeEvent(s, gid, r.code === pageRespCode.SUCCESS ? USER_SUCCESS : USER_INVALID, env)) s.stats.groupsAnsweredByUser++;
    else if (lateResponseAfterRemove(s, gid)) {
      // iopf_queue_remove_device answered it: the late response does nothing.
    } else {
      // The group was answered elsewhere; iopf_group_response() drops this one (and the core counts it).
      s.stats.userResponsesToAnsweredGroups++;
      iopfRespond(s.core, gid, r.code as IopfCode, env);
    }
    done += pageResponseBytes;
  }
  return { ret: done > 0 ? done : rc, out0: 0, out1: 0 };
}

export function faultClose(s: HostState, fd: number): SyscallResult {
  const fault = openFault(s, fd);
  if (fault === undefined) return err(EBADF);
  // Groups left in the object until its hwpts and then the object itself are released (auto-responses).
  if (fault.deliver.length > 0 || responseCookies(fault).length > 0) s.stats.fdClosedWithPending++;
  fault.fdOpen = false;
  delete s.ufd.fds[fd];
  return ok();
}
