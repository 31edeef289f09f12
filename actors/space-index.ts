// A tier config's address spaces by the names the VMM and the guest look them up by, per
// record, response, descriptor and group: (dev_id, PASID|none) as the host names a fault,
// (vRID, vPASID|none) as the guest does, the asid, and the vRIDs. Built once from the config
// (which never changes during a run); each answer is the first space of the config that
// matches, as the scans it replaces gave (issue 9: a scan of 16 spaces per lookup). Keys
// are small integers; a pair too wide for one (never in a shipped scenario) falls back to
// the scan. Plain data: Maps of the config's own space objects.

import type { AddressSpace } from '../src/config/tier-configs.ts';

export interface SpaceIndex {
  spaces: readonly AddressSpace[];
  /** pairKey(devId, pasid) → the first space with them. */
  byHost: Map<number, AddressSpace>;
  /** pairKey(vrid, vpasid) → the first space with them. */
  byGuest: Map<number, AddressSpace>;
  byAsid: Map<number, AddressSpace>;
  vrids: Set<number>;
}

const PASID_BITS = 14;
/** PASIDs below this fit the key's 14-bit field; the field's largest value stands for "no PASID". */
const NO_PASID = (1 << PASID_BITS) - 1;
/** Ids (RIDs are 16 bits, dev_ids small) below this keep the key below 2^30, a small integer. */
const ID_LIMIT = 1 << 16;

/** (id, PASID|none) as a small integer, or -1 when it does not fit (the lookup then scans). Integer tests by `>>> 0` (not Number.isInteger): this runs per record, response and descriptor. */
function pairKey(id: number, pasid: number | null): number {
  const p = pasid === null ? NO_PASID : pasid >>> 0 === pasid && pasid < NO_PASID ? pasid : -1;
  if (p < 0 || id >>> 0 !== id || id >= ID_LIMIT) return -1;
  return (id << PASID_BITS) | p;
}

export function createSpaceIndex(spaces: readonly AddressSpace[]): SpaceIndex {
  const index: SpaceIndex = { spaces, byHost: new Map(), byGuest: new Map(), byAsid: new Map(), vrids: new Set() };
  for (const sp of spaces) {
    keepFirst(index.byHost, pairKey(sp.devId, sp.pasid), sp);
    keepFirst(index.byGuest, pairKey(sp.vrid, sp.vpasid), sp);
    keepFirst(index.byAsid, sp.asid, sp);
    index.vrids.add(sp.vrid);
  }
  return index;
}

function keepFirst(map: Map<number, AddressSpace>, key: number, sp: AddressSpace): void {
  if (key !== -1 && !map.has(key)) map.set(key, sp);
}

/** The first space with host (dev_id, PASID|none). */
export function spaceOfHostPair(index: SpaceIndex, devId: number, pasid: number | null): AddressSpace | undefined {
  const key = pairKey(devId, pasid);
  if (key !== -1) return index.byHost.get(key);
  for (const sp of index.spaces) if (sp.devId === devId && sp.pasid === pasid) return sp;
  return undefined;
}

/** The first space the guest names (vRID, vPASID|none). */
export function spaceOfGuestPair(index: SpaceIndex, vrid: number, vpasid: number | null): AddressSpace | undefined {
  const key = pairKey(vrid, vpasid);
  if (key !== -1) return index.byGuest.get(key);
  for (const sp of index.spaces) if (sp.vrid === vrid && sp.vpasid === vpasid) return sp;
  return undefined;
}

/** The first space with `asid`. */
export function spaceOfAsid(index: SpaceIndex, asid: number): AddressSpace | undefined {
  return index.byAsid.get(asid);
}

/** Whether some space has guest requester id `vrid`. */
export function vridKnown(index: SpaceIndex, vrid: number): boolean {
  return index.vrids.has(vrid);
}
