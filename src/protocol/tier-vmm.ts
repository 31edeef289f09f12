// Messages private to the vmm tier (its own timers and self-deliveries). Tags 0x480..0x4ff.

export const vmmSpecs = {
} as const;
