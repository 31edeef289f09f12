// Bit-exact encodings of the real structures the IOPF path carries, as 32-bit words
// (little-endian halves of each 64-bit quadword):
//   VT-d page request descriptor (32 B, type 1)   — drivers/iommu/intel/prq.c
//   VT-d page group response descriptor (type 0x9) — QI_PGRP_* in intel/iommu.h
//   struct iommu_hwpt_pgfault (40 B) and struct iommu_hwpt_page_response (8 B) — uapi iommufd.h
// Addresses are JavaScript numbers, so page addresses up to 2^53 are representable.

const TWO_POW_32 = 4294967296;

export interface PageRequestFields {
  rid: number;
  pasidPresent: boolean;
  pasid: number;
  exe: boolean;
  priv: boolean;
  rd: boolean;
  wr: boolean;
  last: boolean;
  prgi: number;
  /** Byte address; bits 11:0 are dropped (page granular). */
  addr: number;
}

export type Words4 = { w0: number; w1: number; w2: number; w3: number };

/** QW0: type[7:0]=1, PASID present (8), RID[31:16], PASID[51:32], Exe (52), PM (53). QW1: RD (0), WR (1), LPIG (2), PRGI[11:3], addr[63:12]. */
export function encodePageRequest(f: PageRequestFields): Words4 {
  return encodePageRequestInto(f, { w0: 0, w1: 0, w2: 0, w3: 0 });
}

/** encodePageRequest into the words of `out` (the message that carries them), which it returns. */
export function encodePageRequestInto<T extends Words4>(f: PageRequestFields, out: T): T {
  const page = Math.floor(f.addr / 4096);
  const addrLo = (page % (TWO_POW_32 / 4096)) * 4096;
  out.w0 = (1 | (f.pasidPresent ? 1 << 8 : 0) | ((f.rid & 0xffff) << 16)) >>> 0;
  out.w1 = ((f.pasid & 0xfffff) | (f.exe ? 1 << 20 : 0) | (f.priv ? 1 << 21 : 0)) >>> 0;
  out.w2 = ((f.rd ? 1 : 0) | (f.wr ? 2 : 0) | (f.last ? 4 : 0) | ((f.prgi & 0x1ff) << 3) | addrLo) >>> 0;
  out.w3 = Math.floor(page / (TWO_POW_32 / 4096)) >>> 0;
  return out;
}

export function decodePageRequest(d: Words4): PageRequestFields & { type: number } {
  return {
    type: d.w0 & 0xff,
    pasidPresent: prqPasidPresent(d),
    rid: prqRid(d),
    pasid: prqPasid(d),
    exe: (d.w1 & (1 << 20)) !== 0,
    priv: (d.w1 & (1 << 21)) !== 0,
    rd: (d.w2 & 1) !== 0,
    wr: (d.w2 & 2) !== 0,
    last: prqLast(d),
    prgi: prqPrgi(d),
    addr: prqAddr(d),
  };
}

// One field of a page request descriptor, for a reader that keeps the fields in its own record
// (the IOPF core's fault, src/iopf/fault.ts faultFromDescriptor) instead of a decoded copy.
export const prqPasidPresent = (d: Words4): boolean => (d.w0 & (1 << 8)) !== 0;
export const prqRid = (d: Words4): number => (d.w0 >>> 16) & 0xffff;
export const prqPasid = (d: Words4): number => d.w1 & 0xfffff;
export const prqLast = (d: Words4): boolean => (d.w2 & 4) !== 0;
export const prqPrgi = (d: Words4): number => (d.w2 >>> 3) & 0x1ff;
export const prqAddr = (d: Words4): number => (d.w3 >>> 0) * TWO_POW_32 + ((d.w2 & 0xfffff000) >>> 0);
/** Exe (QW0 52), PM (QW0 53), RD (QW1 0), WR (QW1 1) as pgfaultPerm bits (READ 1, WRITE 2, EXEC 4, PRIV 8). */
export const prqPerm = (d: Words4): number => (d.w2 & 3) | ((d.w1 >>> 18) & 0xc);

export interface PageGroupResponseFields {
  rid: number;
  pasidPresent: boolean;
  pasid: number;
  prgi: number;
  /** PCIe code: 0 Success, 1 Invalid Request, 0xF Response Failure. */
  code: number;
}

/**
 * QW0: type (3:0)=0x9, PASID present (4), Response Code (15:12), RID (31:16), PASID (51:32). QW1: PRGI (11:3).
 * QW1 bit 2 (descriptor bit 66, once LPIG) stays 0: reserved since VT-d spec 4.0, and mainline no
 * longer sets it (commit 4402e8f39d0b "iommu/vt-d: Remove LPIG from page group response
 * descriptor", v6.18: intel/prq.c intel_iommu_page_response and handle_bad_prq_event write
 * `desc.qw1 = QI_PGRP_IDX(...)` only; QI_PGRP_LPIG was removed from intel/iommu.h).
 */
export function encodePageGroupResponse(f: PageGroupResponseFields): Words4 {
  return encodePageGroupResponseInto(f, { w0: 0, w1: 0, w2: 0, w3: 0 });
}

/** encodePageGroupResponse into the words of `out` (the message that carries them), which it returns. */
export function encodePageGroupResponseInto<T extends Words4>(f: PageGroupResponseFields, out: T): T {
  return encodePageGroupResponseOf(f.rid, f.pasidPresent, f.pasid, f.prgi, f.code, out);
}

/** The same from the fields as arguments, for a caller that has them in its own record (no fields object per response). */
export function encodePageGroupResponseOf<T extends Words4>(rid: number, pasidPresent: boolean, pasid: number, prgi: number, code: number, out: T): T {
  out.w0 = (0x9 | (pasidPresent ? 1 << 4 : 0) | ((code & 0xf) << 12) | ((rid & 0xffff) << 16)) >>> 0;
  out.w1 = (pasid & 0xfffff) >>> 0;
  out.w2 = ((prgi & 0x1ff) << 3) >>> 0;
  out.w3 = 0;
  return out;
}

export function decodePageGroupResponse(d: Words4): PageGroupResponseFields & { type: number } {
  return {
    type: d.w0 & 0xf,
    pasidPresent: (d.w0 & (1 << 4)) !== 0,
    code: (d.w0 >>> 12) & 0xf,
    rid: (d.w0 >>> 16) & 0xffff,
    pasid: d.w1 & 0xfffff,
    prgi: (d.w2 >>> 3) & 0x1ff,
  };
}

export interface PgfaultRecord {
  flags: number;
  devId: number;
  pasid: number;
  grpid: number;
  perm: number;
  addr: number;
  length: number;
  cookie: number;
}

export type Words10 = { w0: number; w1: number; w2: number; w3: number; w4: number; w5: number; w6: number; w7: number; w8: number; w9: number };

/** struct iommu_hwpt_pgfault: flags, dev_id, pasid, grpid, perm, __reserved, addr (u64), length, cookie. */
export function encodePgfault(r: PgfaultRecord): Words10 {
  return encodePgfaultInto(r, { w0: 0, w1: 0, w2: 0, w3: 0, w4: 0, w5: 0, w6: 0, w7: 0, w8: 0, w9: 0 });
}

/** encodePgfault into the words of `out` (a message or a record that carries them), which it returns. */
export function encodePgfaultInto<T extends Words10>(r: PgfaultRecord, out: T): T {
  out.w0 = r.flags >>> 0;
  out.w1 = r.devId >>> 0;
  out.w2 = r.pasid >>> 0;
  out.w3 = r.grpid >>> 0;
  out.w4 = r.perm >>> 0;
  out.w5 = 0;
  out.w6 = (r.addr % TWO_POW_32) >>> 0;
  out.w7 = Math.floor(r.addr / TWO_POW_32) >>> 0;
  out.w8 = r.length >>> 0;
  out.w9 = r.cookie >>> 0;
  return out;
}

export function decodePgfault(w: Words10): PgfaultRecord {
  return decodePgfaultInto(w, { flags: 0, devId: 0, pasid: 0, grpid: 0, perm: 0, addr: 0, length: 0, cookie: 0 });
}

/** decodePgfault into `out` (the record that keeps the fields), which it returns. */
export function decodePgfaultInto<T extends PgfaultRecord>(w: Words10, out: T): T {
  out.flags = w.w0;
  out.devId = w.w1;
  out.pasid = w.w2;
  out.grpid = w.w3;
  out.perm = w.w4;
  out.addr = w.w7 * TWO_POW_32 + w.w6;
  out.length = w.w8;
  out.cookie = w.w9;
  return out;
}

/** The 40-byte record as bytes, exactly as read(2) on the fault fd returns it. */
export function pgfaultToBytes(r: PgfaultRecord, out: DataView, offset: number): void {
  const w = encodePgfault(r);
  const words = [w.w0, w.w1, w.w2, w.w3, w.w4, w.w5, w.w6, w.w7, w.w8, w.w9];
  words.forEach((v, i) => out.setUint32(offset + i * 4, v, true));
}

export function pgfaultFromBytes(view: DataView, offset: number): PgfaultRecord {
  const g = (i: number): number => view.getUint32(offset + i * 4, true);
  return decodePgfault({ w0: g(0), w1: g(1), w2: g(2), w3: g(3), w4: g(4), w5: g(5), w6: g(6), w7: g(7), w8: g(8), w9: g(9) });
}
