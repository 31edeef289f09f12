// Messages private to the iommu tier (its own timers and self-deliveries). Tags 0x280..0x2ff.

export const iommuSpecs = {
  /** Timer: look for ATC invalidations past atcInvTimeoutNs (command-queue.ts watchdog). */
  'iommu.atcInvWatch': { tag: 0x280, fields: {} },
  /** Timer: an ATS translation computed atsLatencyNs ago is sent now (its completion's fields; ats.ts). */
  'iommu.atsDone': { tag: 0x281, fields: { rid: 'u16', pasidPresent: 'bool', pasid: 'u32', addr: 'u64', tag: 'u32', r: 'bool', w: 'bool', version: 'u32' } },
  /** Timer: the IOTLB invalidation at the command queue head has taken iotlbInvLatencyNs (iotlb-inv.ts). */
  'iommu.iotlbInvDone': { tag: 0x282, fields: {} },
} as const;
