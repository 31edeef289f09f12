// Messages private to the device tier (its own timers and self-deliveries). Tags 0x180..0x1ff.

export const deviceSpecs = {
  /** Think-time timer: access slot `slot` starts its next access. */
  'device.think': { tag: 0x180, fields: { slot: 'u32' } },
  /** Timer: ATC invalidation `inv` waited its function's atcInvDelayNs (invalidate.ts). */
  'device.atcInvDelay': { tag: 0x181, fields: { inv: 'u32' } },
  /** Timer: arrival stream `stream`'s next open-loop arrival is due (arrivals.ts). */
  'device.arrival': { tag: 0x182, fields: { stream: 'u32' } },
} as const;
