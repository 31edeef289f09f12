// Messages private to the guest tier (its own timers and self-deliveries). Tags 0x580..0x5ff.

export const guestSpecs = {
  /** Timer: the fault handler of core group `groupId` finished its handlerCostNs of work. */
  'guest.handlerDone': { tag: 0x581, fields: { groupId: 'u32' } },
  /** Timer: time for the next unmap of the unmap workload (unmap.ts). */
  'guest.unmapTick': { tag: 0x582, fields: {} },
  /** Timer: timeline event `index` of the guest's events (events.ts) is due. */
  'guest.event': { tag: 0x583, fields: { index: 'u32' } },
  /** Timer: the pauseGuest window of timeline event `index` ends (the heal). */
  'guest.resume': { tag: 0x584, fields: { index: 'u32' } },
} as const;
