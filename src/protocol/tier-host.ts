// Messages private to the host tier (its own timers and self-deliveries). Tags 0x380..0x3ff.

export const hostSpecs = {
  /** Timer: timeline event `index` of the host's events (events.ts) is due. */
  'host.event': { tag: 0x380, fields: { index: 'u32' } },
} as const;
