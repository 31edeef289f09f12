// Messages private to the host tier (its own timers and self-deliveries). Tags 0x380..0x3ff.

export const hostSpecs = {
} as const;
