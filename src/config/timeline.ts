// The timeline as the tiers receive it: each event resolved to a RID and a time in ns, which
// tier executes which action, and the heal time of the liveness bound. The scenario's side
// (the event schema and its resolution against the devices) is src/scenario/events.ts.

export const eventActions = ['replaceHwpt', 'destroyHwpt', 'closeFaultFd', 'flr', 'removeDevice', 'guestFailure', 'vfResponseFailure', 'pasidReuse', 'pauseGuest'] as const;
export type EventAction = (typeof eventActions)[number];

export const eventTier: Record<EventAction, 'vmm' | 'host' | 'guest'> = {
  replaceHwpt: 'vmm',
  destroyHwpt: 'vmm',
  closeFaultFd: 'vmm',
  flr: 'host',
  removeDevice: 'host',
  guestFailure: 'guest',
  vfResponseFailure: 'host',
  pasidReuse: 'host',
  pauseGuest: 'guest',
};

/** One timeline event as a tier receives it (tier-configs.ts): device resolved to a RID. */
export interface TimelineEvent {
  atNs: number;
  action: EventAction;
  /** RID of the device, or null (closeFaultFd on the shared FAULTQ). */
  rid: number | null;
  /** Host PASID of the space, or null for the RID-only space / not given. */
  pasid: number | null;
  count: number;
  /** pasidReuse: stop with a Stop Marker instead of waiting for the responses (absent: false). */
  stopMarker?: boolean;
  /** pauseGuest: end of the window (absent for other actions). */
  untilNs?: number;
}

/** The heal time: when the last fault window of the timeline ends (0 when it has none). */
export function healAtNs(events: readonly TimelineEvent[]): number {
  let at = 0;
  for (const e of events) if (e.untilNs !== undefined && e.untilNs > at) at = e.untilNs;
  return at;
}

/** The events one tier executes, with their index in the whole timeline. */
export function eventsOf(events: readonly TimelineEvent[] | undefined, tier: 'vmm' | 'host' | 'guest'): TimelineEvent[] {
  return (events ?? []).filter((e) => eventTier[e.action] === tier);
}
