// Messages private to the iommu tier (its own timers and self-deliveries). Tags 0x280..0x2ff.

export const iommuSpecs = {
  /** Timer: look for ATC invalidations past atcInvTimeoutNs (command-queue.ts watchdog). */
  'iommu.atcInvWatch': { tag: 0x280, fields: {} },
} as const;
