// Messages private to the device tier (its own timers and self-deliveries). Tags 0x180..0x1ff.

export const deviceSpecs = {
  /** Think-time timer: access slot `slot` starts its next access. */
  'device.think': { tag: 0x180, fields: { slot: 'u32' } },
} as const;
