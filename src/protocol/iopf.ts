// Messages of the nested IOPF path, by hop. Tag ranges: 0x100 PCIe (device ↔ iommu),
// 0x200 IOMMU ↔ host driver (PRQ, registers, command queue), 0x300 iommufd syscalls
// (VMM ↔ host), 0x400 virtual IOMMU (guest ↔ VMM). Tier-private timer messages live in each
// tier's own file (src/protocol/tier-*.ts). Where a real structure exists, the message
// carries its exact words (layouts.ts encodes and decodes them): the VT-d page request and
// page group response descriptors, iommufd's 40-byte fault record and 8-byte response.
//
// `ghost` fields are simulator-only identities (the page request group's ghost id) that the
// checker uses; real hardware has no such field and no tier may base a decision on it. The
// same goes for `ufd.record`'s trailing `ghost`: struct iommu_hwpt_pgfault has no such field
// (the ten words are the real record); it only carries the group's ghost across the
// host → VMM hop so the guest sees the ids the device generated.

export const pcieSpecs = {
  /** PCIe Page Request (PRI). A Stop Marker is last=1, rd=0, wr=0 with a PASID. */
  'pci.pageReq': { tag: 0x101, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', exe: 'bool', priv: 'bool', rd: 'bool', wr: 'bool', last: 'bool', prgi: 'u16', addr: 'u64', ghost: 'u32' } },
  /** PRG Response: code 0 Success, 1 Invalid Request, 0xF Response Failure. */
  'pci.prgResp': { tag: 0x102, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', prgi: 'u16', code: 'u8' } },
  /** ATS Translation Request for one page. */
  'pci.atsReq': { tag: 0x103, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', tag: 'u32', write: 'bool' } },
  /** ATS Translation Completion; r=w=0 means no access (the device may send a page request). */
  'pci.atsCpl': { tag: 0x104, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', tag: 'u32', r: 'bool', w: 'bool', version: 'u32' } },
  /** ATC Invalidate Request (ITag 0..31). */
  'pci.atcInv': { tag: 0x105, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', pages: 'u32', global: 'bool', itag: 'u8' } },
  /** ATC Invalidate Completion: ITag vector and completion count (mod 8). */
  'pci.atcInvCpl': { tag: 0x106, fields: { rid: 'u16', itagVector: 'u32', cc: 'u8' } },
  /**
   * Config-space write of the PRI Control Enable bit of function `rid` (pci_enable_pri /
   * pci_disable_pri), iommu → device on 'iommu->dev' when the host flips the context PRE bit.
   */
  'pci.priCtl': { tag: 0x107, fields: { rid: 'u16', enable: 'bool' } },
  /**
   * Function level reset of `rid` (or its removal: `remove`), iommu → device in command order,
   * after the page group responses the host sent before it (actors/host/timeline.ts).
   */
  'pci.reset': { tag: 0x108, fields: { rid: 'u16', remove: 'bool' } },
  /**
   * The driver tells function `rid` to stop DMA on `pasid` (op 0, device-specific register write;
   * `stopMarker`: stop without waiting for outstanding page requests, closing them with a Stop
   * Marker) or that `pasid` is bound to a new address space (op 1). iommu → device in command
   * order (actors/host/pasid-reuse.ts).
   */
  'pci.pasidCtl': { tag: 0x109, fields: { rid: 'u16', pasid: 'u32', op: 'u8', stopMarker: 'bool' } },
  /** The function stopped using `pasid` (its stop status as the driver reads it), after its last page requests; the iommu passes it on to the host in order. */
  'pci.pasidStopped': { tag: 0x10a, fields: { rid: 'u16', pasid: 'u32' } },
} as const;

export const hostIommuSpecs = {
  /** One VT-d page request descriptor (QW0, QW1 as four words; QW2/QW3 unused). */
  'prq.desc': { tag: 0x201, fields: { w0: 'u32', w1: 'u32', w2: 'u32', w3: 'u32', ghost: 'u32' } },
  /** The page request event interrupt (raised only when PPR and PRO were both clear). */
  'prq.irq': { tag: 0x202, fields: {} },
  /** Register write by the host driver (PRS is write-1-to-clear). */
  'mmio.write': { tag: 0x203, fields: { reg: 'u16', value: 'u32' } },
  /** Register read by the host driver; answered by mmio.readResult in FIFO order after earlier descriptors. */
  'mmio.read': { tag: 0x204, fields: { reg: 'u16', tag: 'u32' } },
  'mmio.readResult': { tag: 0x205, fields: { reg: 'u16', tag: 'u32', value: 'u32' } },
  /** Page Group Response descriptor (type 0x9) on the invalidation/command queue. */
  'cmd.pgResp': { tag: 0x206, fields: { w0: 'u32', w1: 'u32', w2: 'u32', w3: 'u32' } },
  'cmd.iotlbInv': { tag: 0x207, fields: { did: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', pages: 'u32' } },
  'cmd.devtlbInv': { tag: 0x208, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', pages: 'u32' } },
  'cmd.wait': { tag: 0x209, fields: { tag: 'u32' } },
  'cmd.waitDone': { tag: 0x20a, fields: { tag: 'u32', status: 'u8' } },
  /** Context-entry PRE bit for a requester: PRI reception on or off. */
  'cmd.ctxPri': { tag: 0x20b, fields: { rid: 'u16', enable: 'bool' } },
  /** The host resets (or removes) function `rid`: forwarded to the device as pci.reset, in command order. */
  'cmd.devReset': { tag: 0x20c, fields: { rid: 'u16', remove: 'bool' } },
  /** The host's PASID stop (op 0) or rebind (op 1) for function `rid`: forwarded to the device as pci.pasidCtl, in command order. */
  'cmd.pasidCtl': { tag: 0x20d, fields: { rid: 'u16', pasid: 'u32', op: 'u8', stopMarker: 'bool' } },
  /**
   * The host changed the PASID table entry of (rid, pasid|none) on DETACH / REPLACE / ATTACH: `nested` true when it
   * now translates through the guest's stage 1 (a nested hwpt), false when blocked or on the nesting parent alone.
   */
  'cmd.pasidEntry': { tag: 0x20e, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', nested: 'bool' } },
} as const;

export const iommufdSpecs = {
  /** An iommufd syscall (ioctl, read, write, close) with up to four arguments; ops in iommufd.ts. */
  'ufd.call': { tag: 0x301, fields: { seq: 'u32', op: 'u16', a0: 'u32', a1: 'u32', a2: 'u32', a3: 'u32' } },
  /** One 8-byte struct iommu_hwpt_page_response of a write() that follows with op WRITE. */
  'ufd.writeRec': { tag: 0x302, fields: { seq: 'u32', cookie: 'u32', code: 'u32' } },
  /** A syscall's result: ret >= 0 or -errno, and up to two out values (ids, fds). */
  'ufd.ret': { tag: 0x303, fields: { seq: 'u32', ret: 'i32', out0: 'u32', out1: 'u32' } },
  /** One 40-byte struct iommu_hwpt_pgfault returned by a read(), before its ufd.ret; `ghost` is simulator-only (header). */
  'ufd.record': { tag: 0x304, fields: { seq: 'u32', w0: 'u32', w1: 'u32', w2: 'u32', w3: 'u32', w4: 'u32', w5: 'u32', w6: 'u32', w7: 'u32', w8: 'u32', w9: 'u32', ghost: 'u32' } },
  /** Poll readiness: the fault fd became readable (EPOLLIN), like an eventfd wake-up. */
  'ufd.pollin': { tag: 0x305, fields: { fd: 'u32' } },
  /**
   * One struct iommu_hwpt_vtd_s1_invalidate entry {addr (4 KiB aligned), npages, flags (LEAF)} of
   * an IOMMU_HWPT_INVALIDATE that follows with op HWPT_INVALIDATE and the same seq. `addr` is
   * carried as two words; npages 0xffffffff stands for U64_MAX (with addr 0: everything).
   */
  'ufd.invEntry': { tag: 0x306, fields: { seq: 'u32', addrLo: 'u32', addrHi: 'u32', npages: 'u32', flags: 'u32' } },
} as const;

export const viommuSpecs = {
  'vprq.desc': { tag: 0x401, fields: { w0: 'u32', w1: 'u32', w2: 'u32', w3: 'u32', ghost: 'u32' } },
  'vprq.irq': { tag: 0x402, fields: {} },
  'vmmio.write': { tag: 0x403, fields: { reg: 'u16', value: 'u32' } },
  'vmmio.read': { tag: 0x404, fields: { reg: 'u16', tag: 'u32' } },
  'vmmio.readResult': { tag: 0x405, fields: { reg: 'u16', tag: 'u32', value: 'u32' } },
  'vcmd.pgResp': { tag: 0x406, fields: { w0: 'u32', w1: 'u32', w2: 'u32', w3: 'u32' } },
  'vcmd.iotlbInv': { tag: 0x407, fields: { did: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', pages: 'u32' } },
  'vcmd.devtlbInv': { tag: 0x408, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', pages: 'u32' } },
  'vcmd.wait': { tag: 0x409, fields: { tag: 'u32' } },
  'vcmd.waitDone': { tag: 0x40a, fields: { tag: 'u32', status: 'u8' } },
} as const;

/** VT-d register offsets used by the PRQ protocol (host ↔ iommu, guest ↔ vmm). */
export const vtdReg = { PQH: 0xc0, PQT: 0xc8, PRS: 0xdc } as const;
/** PRS bits (write 1 to clear). */
export const prsBit = { PPR: 1, PRO: 2 } as const;
/** PCIe PRG response codes. */
export const prgCode = { SUCCESS: 0, INVALID: 1, FAILURE: 0xf } as const;
/** pci.pasidCtl / cmd.pasidCtl operations. */
export const pasidOp = { STOP: 0, BIND: 1 } as const;
