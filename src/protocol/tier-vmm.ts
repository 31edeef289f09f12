// Messages private to the vmm tier (its own timers and self-deliveries). Tags 0x480..0x4ff.

export const vmmSpecs = {
  /** Timer: timeline event `index` of the vmm's events (events.ts) is due. */
  'vmm.event': { tag: 0x480, fields: { index: 'u32' } },
} as const;
