// The space index (actors/space-index.ts) answers as the scans of cfg.spaces it replaced: the
// first matching space, "no PASID" apart from every PASID, and pairs too wide for a small key.
import { describe, expect, it } from 'vitest';
import { createSpaceIndex, spaceOfAsid, spaceOfGuestPair, spaceOfHostPair, vridKnown } from '../../actors/space-index.ts';
import type { AddressSpace } from '../../src/config/tier-configs.ts';

const sp = (asid: number, devId: number, pasid: number | null, vrid: number, vpasid: number | null): AddressSpace => ({ asid, rid: vrid, pasid, devId, vrid, vpasid, mappablePages: 8 });

const spaces = [
  sp(0, 1, 1, 0x100, 1),
  sp(1, 1, null, 0x100, null),
  sp(2, 2, 1, 0x400, 1),
  sp(3, 2, 1, 0x400, 1), // a duplicate: the first one answers
  sp(4, 1 << 20, 5, 0x1_0000 + 7, 5), // ids too wide for a small key
  sp(5, 3, (1 << 20) - 1, 0xffff, (1 << 20) - 1), // a PASID too wide for the key's field
];

function scanHost(devId: number, pasid: number | null) {
  return spaces.find((s) => s.devId === devId && s.pasid === pasid);
}
function scanGuest(vrid: number, vpasid: number | null) {
  return spaces.find((s) => s.vrid === vrid && s.vpasid === vpasid);
}

describe('space index', () => {
  const index = createSpaceIndex(spaces);
  const ids = [0, 1, 2, 3, 0x100, 0x400, 0xffff, 0x1_0000 + 7, 1 << 20];
  const pasids = [null, 0, 1, 5, (1 << 14) - 1, (1 << 20) - 1];

  it('finds what a scan of the spaces finds, for every pair', () => {
    for (const id of ids) {
      for (const p of pasids) {
        expect(spaceOfHostPair(index, id, p)).toBe(scanHost(id, p));
        expect(spaceOfGuestPair(index, id, p)).toBe(scanGuest(id, p));
      }
    }
  });

  it('keeps the first of duplicate spaces, and knows asids and vRIDs', () => {
    expect(spaceOfHostPair(index, 2, 1)?.asid).toBe(2);
    expect(spaceOfAsid(index, 3)?.asid).toBe(3);
    expect(spaceOfAsid(index, 9)).toBeUndefined();
    expect(vridKnown(index, 0x400)).toBe(true);
    expect(vridKnown(index, 0x500)).toBe(false);
  });
});
