// iommufd ioctls on the host's object table: FAULT_QUEUE_ALLOC, HWPT_ALLOC (nested on the
// default parent, optional fault object), ATTACH / REPLACE / DETACH per (device, PASID or
// RID) with auto-responses for fault-capable hwpts and the device's IOPF enable refcount
// (iopf-enable.ts, in iommufd's order: enable before attaching, disable after auto-responding),
// and DESTROY. Results are errno values,
// never exceptions (include/uapi/linux/iommufd.h, iommufd/hw_pagetable.c, device.c, eventq.c).

import type { ActorCtx } from '../../src/actor/define.ts';
import type { IopfCoreEnv } from '../../src/iopf/core.ts';
import { errno, hwptAllocFlag } from '../../src/protocol/iommufd.ts';
import { autoRespond } from './auto-response.ts';
import type { HostState } from './host-state.ts';
import { hwptFaultCapable, iopfDisable, iopfEnable } from './iopf-enable.ts';
import { allocObjectId, attachKey, NESTING_PARENT_ID, type UfdFault } from './ufd-objects.ts';

/** Coverage marks of auto-responses (scenario `marks:`), including those of a fault object whose fd was closed first. */
function markAuto(ctx: ActorCtx, fault: UfdFault, reason: 'replace' | 'detach' | 'destroy', answered: number): void {
  if (answered === 0) return;
  ctx.mark(`host.${reason}-auto-answered`);
  if (!fault.fdOpen) ctx.mark('host.fd-close-auto-answered');
}

export interface SyscallResult {
  ret: number;
  out0: number;
  out1: number;
}

export const ok = (out0 = 0, out1 = 0): SyscallResult => ({ ret: 0, out0, out1 });
export const err = (e: number): SyscallResult => ({ ret: -e, out0: 0, out1: 0 });

/** Flags a nested hwpt accepts (iommufd_hwpt_nested_alloc); others → EOPNOTSUPP. */
const NESTED_FLAGS = hwptAllocFlag.FAULT_ID_VALID | hwptAllocFlag.ALLOC_PASID;

export function faultQueueAlloc(s: HostState, flags: number): SyscallResult {
  if (flags !== 0) return err(errno.EOPNOTSUPP);
  const id = allocObjectId(s.ufd);
  const fd = s.ufd.nextFd++;
  s.ufd.faults[id] = { id, fd, fdOpen: true, hwptRefs: 0, deliver: [], response: {}, ghosts: new Map() };
  s.ufd.fds[fd] = id;
  return ok(id, fd);
}

export function hwptAlloc(s: HostState, devId: number, ptId: number, flags: number, faultId: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined) return err(errno.ENOENT);
  if (ptId !== NESTING_PARENT_ID) return err(u.hwpts[ptId] !== undefined ? errno.EINVAL : errno.ENOENT);
  if ((flags & ~NESTED_FLAGS) !== 0) return err(errno.EOPNOTSUPP);
  let fid = 0;
  if ((flags & hwptAllocFlag.FAULT_ID_VALID) !== 0) {
    if (u.faults[faultId] === undefined) return err(errno.ENOENT);
    fid = faultId;
    u.faults[fid]!.hwptRefs++;
  }
  const id = allocObjectId(u);
  u.hwpts[id] = { id, devId, faultId: fid, attached: 0 };
  return ok(id);
}

/** hwpt id 0 is the nesting parent itself (a domain without an iopf handler). */
function hwptKnown(s: HostState, id: number): boolean {
  return id === NESTING_PARENT_ID || s.ufd.hwpts[id] !== undefined;
}

export function attach(s: HostState, ctx: ActorCtx, devId: number, hwptId: number, pasid: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined || !hwptKnown(s, hwptId)) return err(errno.ENOENT);
  const key = attachKey(devId, pasid);
  if (u.attach[key] !== undefined) return err(errno.EBUSY);
  if (hwptFaultCapable(u, hwptId)) iopfEnable(s, ctx, devId);
  const id = u.nextHandleId++;
  u.handles[id] = { id, devId, pasid: pasid >>> 0, hwptId };
  u.attach[key] = id;
  const hwpt = u.hwpts[hwptId];
  if (hwpt) hwpt.attached++;
  return ok();
}

export function replace(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, devId: number, hwptId: number, pasid: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined || !hwptKnown(s, hwptId)) return err(errno.ENOENT);
  const key = attachKey(devId, pasid);
  const oldId = u.attach[key];
  if (oldId === undefined) return err(errno.EINVAL);
  const old = u.handles[oldId]!;
  // iommufd_hwpt_replace_device: enable IOPF only when the new hwpt needs it and the old did not.
  const newFaulty = hwptFaultCapable(u, hwptId);
  const oldFaulty = hwptFaultCapable(u, old.hwptId);
  if (newFaulty && !oldFaulty) iopfEnable(s, ctx, devId);
  const id = u.nextHandleId++;
  u.handles[id] = { id, devId, pasid: pasid >>> 0, hwptId };
  u.attach[key] = id;
  const newHwpt = u.hwpts[hwptId];
  if (newHwpt) newHwpt.attached++;
  const oldHwpt = u.hwpts[old.hwptId];
  if (oldHwpt) oldHwpt.attached--;
  // R11: the buggy refactor passed the new hwpt with the old handle.
  const via = s.cfg.bugs.includes('replace-wrong-hwpt') ? newHwpt : oldHwpt;
  const fault = via === undefined ? undefined : u.faults[via.faultId];
  if (fault) markAuto(ctx, fault, 'replace', autoRespond(s, ctx, env, fault, oldId, 'replace', true));
  if (oldFaulty && !newFaulty) iopfDisable(s, ctx, devId);
  delete u.handles[oldId];
  return ok();
}

export function detach(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, devId: number, pasid: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined) return err(errno.ENOENT);
  const key = attachKey(devId, pasid);
  const handleId = u.attach[key];
  if (handleId === undefined) return err(errno.ENOENT);
  const hwpt = u.hwpts[u.handles[handleId]!.hwptId];
  const fault = hwpt === undefined ? undefined : u.faults[hwpt.faultId];
  if (fault) markAuto(ctx, fault, 'detach', autoRespond(s, ctx, env, fault, handleId, 'detach', true));
  if (hwpt && hwpt.faultId !== 0) iopfDisable(s, ctx, devId);
  if (hwpt) hwpt.attached--;
  delete u.attach[key];
  delete u.handles[handleId];
  return ok();
}

export function destroy(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, id: number): SyscallResult {
  const u = s.ufd;
  // The nesting parent and the devices belong to the VMM's IOAS and VFIO: still in use.
  if (id === NESTING_PARENT_ID || u.devices[id] !== undefined) return err(errno.EBUSY);
  const hwpt = u.hwpts[id];
  if (hwpt) {
    if (hwpt.attached > 0) return err(errno.EBUSY);
    if (hwpt.faultId !== 0) u.faults[hwpt.faultId]!.hwptRefs--;
    delete u.hwpts[id];
    return ok();
  }
  const fault = u.faults[id];
  if (fault === undefined) return err(errno.ENOENT);
  // The open fd holds a reference on the object, as the hwpts do.
  if (fault.hwptRefs > 0 || fault.fdOpen) return err(errno.EBUSY);
  markAuto(ctx, fault, 'destroy', autoRespond(s, ctx, env, fault, null, 'destroy', !s.cfg.bugs.includes('destroy-misses-read')));
  delete u.faults[id];
  return ok();
}
