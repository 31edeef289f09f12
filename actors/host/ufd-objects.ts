// The host's iommufd object table: devices (dev_id from the config), the implicit nesting
// parent (pt_id 0), nested hwpts with an optional fault object, fault objects with their fd,
// deliver list and response map, and attach handles per (device, PASID or RID). Object ids
// share one number space, as iommufd's object xarray; fds are numbered from 3.

import type { DirectMap } from '../../src/util/direct-map.ts';
import { NO_PASID } from '../../src/protocol/iommufd.ts';
import type { HostConfig } from '../../src/config/tier-configs.ts';
import { StagedBySeq } from './staged-by-seq.ts';

/** pt_id 0: the default nesting parent (the IOAS-backed, fully mapped stage 2). */
export const NESTING_PARENT_ID = 0;

export interface UfdDevice {
  devId: number;
  rid: number;
  /** Attach handles of this device to fault-capable hwpts (iopf_enabled refcount, iopf-enable.ts). */
  iopfRefs: number;
}

export interface UfdHwpt {
  id: number;
  devId: number;
  /** 0: no fault object (the domain has no iopf handler). */
  faultId: number;
  /** Attach handles using this hwpt. */
  attached: number;
}

export interface UfdFault {
  id: number;
  fd: number;
  fdOpen: boolean;
  /** Hwpts holding a reference. */
  hwptRefs: number;
  /** Core group ids not read yet, FIFO. */
  deliver: number[];
  /** Core group id → ghost id of every group the object holds (deliver list and response map); by core group id as the core's own table. */
  ghosts: DirectMap<number>;
  /**
   * cookie → core group id of groups read and not answered: an array, undefined (or a hole) where
   * a cookie is free (the cookies are the lowest free ones, so it stays dense). A freed cookie's
   * element is set undefined, not deleted: `delete` on an element is a runtime call, on every
   * response (issue 9). responseCookies lists the held ones in cookie order.
   */
  response: (number | undefined)[];
  /** Every cookie below it is in use: allocCookie starts its search there (xa_alloc's lowest free). */
  cookieFloor: number;
}

export interface UfdHandle {
  id: number;
  devId: number;
  pasid: number;
  hwptId: number;
}

/** One 8-byte response a ufd.writeRec staged for its WRITE. */
export interface StagedWriteRec {
  cookie: number;
  code: number;
}

export interface UfdState {
  devices: Record<number, UfdDevice>;
  ridToDevId: Record<number, number>;
  hwpts: Record<number, UfdHwpt>;
  faults: Record<number, UfdFault>;
  fds: Record<number, number>;
  /** attachKey(devId, pasid) → handle id. */
  attach: Map<number | string, number>;
  handles: Record<number, UfdHandle>;
  nextObjId: number;
  nextFd: number;
  nextHandleId: number;
  /** ufd.writeRec payloads by syscall seq, until their WRITE call arrives (empty is seen without a walk). */
  writeRecs: StagedBySeq<StagedWriteRec>;
  /** Staged records and lists a WRITE used up, for the next ones (syscalls.ts; issue 9: not one object per record). */
  stagedFree: { recs: StagedWriteRec[]; lists: StagedWriteRec[][] };
  /** ops->user_pasid_table of the IOMMU driver (scenario iommu.userPasidTable; VT-d: false). */
  userPasidTable: boolean;
}

export function createUfdState(cfg: HostConfig): UfdState {
  const devices: Record<number, UfdDevice> = {};
  const ridToDevId: Record<number, number> = {};
  let maxId = NESTING_PARENT_ID;
  for (const s of cfg.spaces) {
    devices[s.devId] = { devId: s.devId, rid: s.rid, iopfRefs: 0 };
    ridToDevId[s.rid] = s.devId;
    maxId = Math.max(maxId, s.devId);
  }
  // Functions without an address space still are devices the host knows (their RID is valid).
  for (const f of cfg.functions) {
    if (ridToDevId[f.rid] !== undefined) continue;
    const devId = ++maxId;
    devices[devId] = { devId, rid: f.rid, iopfRefs: 0 };
    ridToDevId[f.rid] = devId;
  }
  return {
    devices,
    ridToDevId,
    hwpts: {},
    faults: {},
    fds: {},
    attach: new Map(),
    handles: {},
    nextObjId: maxId + 1,
    nextFd: 3,
    nextHandleId: 1,
    writeRecs: new StagedBySeq(),
    stagedFree: { recs: [], lists: [] },
    userPasidTable: cfg.userPasidTable ?? false,
  };
}

/**
 * (device, PASID as the u32 the ioctl passes) as one key, looked up per page request: a small
 * integer, devId * 2^20 + pasid, while devId < 2^10 and the PASID fits its 20 bits (no heap number
 * allocated and hashed as a double per lookup, nor a text key; issue 9), the text form otherwise.
 */
export function attachKey(devId: number, pasid: number): number | string {
  const p = pasid >>> 0;
  if (devId === (devId & 0x3ff) && p < 0x100000) return devId * 0x100000 + p;
  return `${devId}/${p}`;
}

export function ridKnown(u: UfdState, rid: number): boolean {
  return u.ridToDevId[rid] !== undefined;
}

/**
 * The handle whose domain has the iommufd iopf handler, for a request of (rid, PASID or RID):
 * io-pgfault.c find_fault_handler(). A PASID request with no handle of its own falls back to the
 * handle at IOMMU_NO_PASID when that domain is nested (iommu_attach_handle_get(..., IOMMU_NO_PASID,
 * IOMMU_DOMAIN_NESTED)) — only if the driver has ops->user_pasid_table (SMMUv3-style nesting,
 * the iommufd selftest mock); VT-d has none, so there a PASID request without its own handle has
 * no handler. Every hwpt but the nesting parent (id 0) is nested here. Then the domain must have
 * an iopf_handler (a fault object).
 */
export function findIopfHandle(u: UfdState, rid: number, pasidValid: boolean, pasid: number): number | null {
  const devId = u.ridToDevId[rid];
  if (devId === undefined) return null;
  let handleId = u.attach.get(attachKey(devId, pasidValid ? pasid : NO_PASID));
  if (handleId === undefined && pasidValid && u.userPasidTable) {
    const rid0 = u.attach.get(attachKey(devId, NO_PASID));
    if (rid0 !== undefined && u.handles[rid0]!.hwptId !== NESTING_PARENT_ID) handleId = rid0;
  }
  if (handleId === undefined) return null;
  const hwpt = u.hwpts[u.handles[handleId]!.hwptId];
  return hwpt !== undefined && hwpt.faultId !== 0 ? handleId : null;
}

export function faultOfHandle(u: UfdState, handleId: number): UfdFault | undefined {
  const h = u.handles[handleId];
  const hwpt = h === undefined ? undefined : u.hwpts[h.hwptId];
  return hwpt === undefined ? undefined : u.faults[hwpt.faultId];
}

export function objectExists(u: UfdState, id: number): boolean {
  return u.devices[id] !== undefined || u.hwpts[id] !== undefined || u.faults[id] !== undefined;
}

export function allocObjectId(u: UfdState): number {
  while (objectExists(u, u.nextObjId) || u.nextObjId === NESTING_PARENT_ID) u.nextObjId = (u.nextObjId + 1) >>> 0;
  return u.nextObjId++;
}

/**
 * xa_alloc with XA_FLAGS_ALLOC1 and a 32-bit limit: the lowest free cookie >= 1 (freed cookies are
 * reused), searched from cookieFloor rather than from 1 (a walk over every group read and not
 * answered per read; issue 9).
 */
export function allocCookie(f: UfdFault): number {
  let c = f.cookieFloor;
  while (f.response[c] !== undefined) c++;
  f.cookieFloor = c + 1;
  return c;
}

/** The group of `cookie` left the response map; its cookie is free again. */
export function freeCookie(f: UfdFault, cookie: number): void {
  f.response[cookie] = undefined;
  if (cookie < f.cookieFloor) f.cookieFloor = cookie;
}

/** The cookies of the groups read and not answered, lowest first. */
export function responseCookies(f: UfdFault): number[] {
  const cookies: number[] = [];
  const r = f.response;
  for (let c = 1; c < r.length; c++) if (r[c] !== undefined) cookies.push(c);
  return cookies;
}
