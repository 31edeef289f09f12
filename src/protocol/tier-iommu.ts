// Messages private to the iommu tier (its own timers and self-deliveries). Tags 0x280..0x2ff.

export const iommuSpecs = {
} as const;
