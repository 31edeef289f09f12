// iommufd ioctls on the host's object table: FAULT_QUEUE_ALLOC, HWPT_ALLOC (nested on the
// default parent, optional fault object), ATTACH / REPLACE / DETACH per (device, PASID or
// RID) with auto-responses for fault-capable hwpts and the device's IOPF enable refcount
// (iopf-enable.ts, in iommufd's order: enable before attaching, disable after auto-responding),
// and DESTROY. Results are errno values,
// never exceptions (include/uapi/linux/iommufd.h, iommufd/hw_pagetable.c, device.c, eventq.c).

import type { ActorCtx } from '../../src/actor/define.ts';
import { createGroupIdTable, type IopfCoreEnv } from '../../src/iopf/core.ts';
import { errno, hwptAllocFlag } from '../../src/protocol/iommufd.ts';
import { autoRespond } from './auto-response.ts';
import type { HostState } from './host-state.ts';
import { hwptFaultCapable, iopfDisable, iopfEnable } from './iopf-enable.ts';
import { allocObjectId, attachKey, NESTING_PARENT_ID, objectExists, type UfdFault } from './ufd-objects.ts';

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
  s.ufd.faults[id] = { id, fd, fdOpen: true, hwptRefs: 0, deliver: [], response: [], cookieFloor: 1, ghosts: createGroupIdTable<number>() };
  s.ufd.fds[fd] = id;
  return ok(id, fd);
}

export function hwptAlloc(s: HostState, devId: number, ptId: number, flags: number, faultId: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined) return err(errno.ENOENT);
  // hw_pagetable.c iommufd_hwpt_alloc(): iommufd_get_object(pt_id, IOMMUFD_OBJ_ANY) failing and a
  // pt_id of a type that is neither an IOAS nor a nesting parent both return -EINVAL (selftest:
  // test_err_hwpt_alloc(EINVAL, self->device_id, self->device_id, ...)). Only the parent nests here.
  if (ptId !== NESTING_PARENT_ID) return err(errno.EINVAL);
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

/**
 * The pt_id of an attach or replace (device.c iommufd_device_change_pt): an id naming no object
 * → -ENOENT (iommufd_get_object fails); an object that is not a hwpt or an IOAS (a fault object,
 * a device) → -EINVAL (the switch's default case). hwpt id 0 is the nesting parent itself (a
 * domain without an iopf handler). Returns 0 when the pt_id can be attached.
 */
function ptIdError(s: HostState, id: number): number {
  if (id === NESTING_PARENT_ID || s.ufd.hwpts[id] !== undefined) return 0;
  return objectExists(s.ufd, id) ? errno.EINVAL : errno.ENOENT;
}

export function attach(s: HostState, ctx: ActorCtx, devId: number, hwptId: number, pasid: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined) return err(errno.ENOENT);
  const ptErr = ptIdError(s, hwptId);
  if (ptErr !== 0) return err(ptErr);
  const key = attachKey(devId, pasid);
  if (u.attach.has(key)) return err(errno.EBUSY);
  // iommufd_hwpt_attach_device: a hwpt with a fault object enables IOPF first; its error fails the attach.
  if (hwptFaultCapable(u, hwptId)) {
    const rc = iopfEnable(s, ctx, devId);
    if (rc !== 0) return err(rc);
  }
  const id = u.nextHandleId++;
  u.handles[id] = { id, devId, pasid: pasid >>> 0, hwptId };
  u.attach.set(key, id);
  const hwpt = u.hwpts[hwptId];
  if (hwpt) hwpt.attached++;
  return ok();
}

export function replace(s: HostState, ctx: ActorCtx, env: IopfCoreEnv, devId: number, hwptId: number, pasid: number): SyscallResult {
  const u = s.ufd;
  if (u.devices[devId] === undefined) return err(errno.ENOENT);
  const ptErr = ptIdError(s, hwptId);
  if (ptErr !== 0) return err(ptErr);
  const key = attachKey(devId, pasid);
  const oldId = u.attach.get(key);
  if (oldId === undefined) return err(errno.EINVAL);
  const old = u.handles[oldId]!;
  // device.c iommufd_device_do_replace(): replacing with the hwpt already attached returns early
  // (`if (old_hwpt == hwpt) goto out_unlock`, rc 0): no new handle, no auto-response, cookies kept.
  if (old.hwptId === hwptId) return ok();
  // iommufd_hwpt_replace_device: enable IOPF only when the new hwpt needs it and the old did not.
  const newFaulty = hwptFaultCapable(u, hwptId);
  const oldFaulty = hwptFaultCapable(u, old.hwptId);
  if (newFaulty && !oldFaulty) {
    const rc = iopfEnable(s, ctx, devId);
    if (rc !== 0) return err(rc);
  }
  const id = u.nextHandleId++;
  u.handles[id] = { id, devId, pasid: pasid >>> 0, hwptId };
  u.attach.set(key, id);
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
  const handleId = u.attach.get(key);
  // device.c iommufd_device_detach(): nothing attached at that PASID → iommufd_hw_pagetable_detach
  // returns NULL and the detach returns quietly (a void function; the selftest asserts success).
  if (handleId === undefined) return ok();
  const hwpt = u.hwpts[u.handles[handleId]!.hwptId];
  const fault = hwpt === undefined ? undefined : u.faults[hwpt.faultId];
  if (fault) markAuto(ctx, fault, 'detach', autoRespond(s, ctx, env, fault, handleId, 'detach', true));
  if (hwpt && hwpt.faultId !== 0) iopfDisable(s, ctx, devId);
  if (hwpt) hwpt.attached--;
  u.attach.delete(key);
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
