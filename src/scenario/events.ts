// The scenario's event timeline (issue 4, teardown and reconfiguration under load): at `atMs`
// of virtual time (run time on threads) one tier performs a teardown or reconfiguration
// action while the fault storm goes on. Who executes each action, as in the real stack:
//
// - the VMM (QEMU) — `replaceHwpt` (the guest changed a PASID entry: a new per-entry FAULTQ
//   and nested hwpt, REPLACE, then the old hwpt destroyed and the old FAULTQ closed and
//   destroyed when nothing of the VMM uses it any more), `destroyHwpt` (DETACH + DESTROY),
//   `closeFaultFd` (close the fault fd of a space's FAULTQ with groups pending, move every
//   space using it off it, destroy the hwpts and the fault object);
// - the host — `flr` (function level reset: IOPF disabled for the function, the IOPF core's
//   iopf_queue_remove_device answers its pending groups Invalid and frees its partials, the
//   function is reset through the IOMMU, then IOPF re-enabled), `removeDevice` (the same, the
//   function is gone afterwards), `vfResponseFailure` (the host's IOPF core answers the next
//   `count` groups of a function with Response Failure, as on a group allocation failure, R23);
// - the guest — `guestFailure` (its driver answers the next `count` groups of a device with
//   Response Failure);
// - `pasidReuse` (issue 4, PASID lifecycle) — the guest driver frees a PASID and gives it to a
//   new address space: the device stops DMA on it (waiting for its responses, or at once with a
//   Stop Marker when `stopMarker`), the host drains it (VT-d intel_drain_pasid_prq) and only
//   then is it rebound. The host runs the sequence (actors/host/pasid-reuse.ts).
// - `pauseGuest` (fault injection with a heal) — the VM is paused (or its vCPUs preempted) from
//   `atMs` to `untilMs`: the guest processes nothing (virtual PRQ, invalidation completions,
//   handler work) while the host, the VMM and the devices go on; then it catches up. The latest
//   `untilMs` of the timeline is the heal time of the scenario's liveness bound (schema.ts).
//
// The scenario names a device by name or RID; derive.ts resolves it to a RID. What a tier
// receives (TimelineEvent, which tier runs which action) is in src/config/timeline.ts.

import { fail } from '../util/errors.ts';
import { bool, int, invalid, nullable, num, obj, oneOf, type Check } from './validate.ts';
import { eventActions, type EventAction, type TimelineEvent } from '../config/timeline.ts';

/** Actions that open a fault window ended by `untilMs` (the heal). */
const windowActions: readonly EventAction[] = ['pauseGuest'];
/** Actions that concern the whole machine rather than one device. */
const machineActions: readonly EventAction[] = ['closeFaultFd', 'pauseGuest'];

const deviceRef: Check<string | number> = (v, path) => {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  return invalid(path, 'a device name or RID', v);
};

export const eventCheck = obj(
  {
    atMs: num(0, 3_600_000),
    action: oneOf(...eventActions),
    /** The device (name or RID); required by every action except closeFaultFd (default: the shared FAULTQ) and pauseGuest. */
    device: nullable(deviceRef),
    /** The PASID of the address space (replaceHwpt, destroyHwpt, closeFaultFd); null: the RID-only space, or the device's first PASID. */
    pasid: nullable(int(1, 0xfffff)),
    /** guestFailure, vfResponseFailure: how many groups are answered Response Failure. */
    count: int(1, 1_000_000),
    /** pasidReuse: the device stops without waiting for its responses and sends a Stop Marker. */
    stopMarker: bool,
    /** pauseGuest: when the window ends (the heal); after atMs. */
    untilMs: nullable(num(0, 3_600_000)),
  },
  { device: null, pasid: null, count: 1, stopMarker: false, untilMs: null },
);

export type ScenarioEvent = ReturnType<typeof eventCheck>;

interface DeviceLike {
  name: string;
  rid: number;
  pfRid: number | null;
  pasids: number[];
  ridOnly: boolean;
}

/** Resolve and cross-check the timeline against the devices (paths name the bad event). */
export function resolveEvents(events: readonly ScenarioEvent[], devices: readonly DeviceLike[]): TimelineEvent[] {
  return events.map((e, i) => {
    const where = `scenario.events[${i}]`;
    let d: DeviceLike | undefined;
    if (e.device !== null) {
      d = devices.find((x) => (typeof e.device === 'string' ? x.name === e.device : x.rid === e.device));
      if (d === undefined) fail('FAULTLINE_SCENARIO_INVALID', `${where}.device: no device ${JSON.stringify(e.device)} in the scenario`, { path: `${where}.device` });
    } else if (!machineActions.includes(e.action)) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.device: action '${e.action}' needs a device`, { path: `${where}.device` });
    }
    let pasid = e.pasid;
    const spaceAction = e.action === 'replaceHwpt' || e.action === 'destroyHwpt' || e.action === 'closeFaultFd' || e.action === 'pasidReuse';
    if (d !== undefined && spaceAction) {
      if (pasid === null && !d.ridOnly) pasid = d.pasids[0] ?? null;
      if (pasid !== null && !d.pasids.includes(pasid)) {
        fail('FAULTLINE_SCENARIO_INVALID', `${where}.pasid: device '${d.name || d.rid}' has no PASID ${pasid}`, { path: `${where}.pasid` });
      }
    }
    if (e.action === 'pasidReuse' && pasid === null) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.pasid: pasidReuse needs a device with a PASID`, { path: `${where}.pasid` });
    }
    if (e.action === 'vfResponseFailure' && d !== undefined && d.pfRid === null) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.device: vfResponseFailure needs a VF (a device with pfRid)`, { path: `${where}.device` });
    }
    const window = windowActions.includes(e.action);
    if (e.action === 'pauseGuest' && e.device !== null) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.device: pauseGuest pauses the whole guest; it takes no device`, { path: `${where}.device` });
    }
    if (window && e.untilMs === null) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.untilMs: action '${e.action}' needs untilMs, when the window ends`, { path: `${where}.untilMs` });
    }
    if (window && e.untilMs !== null && e.untilMs <= e.atMs) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.untilMs: ${e.untilMs} must be after atMs (${e.atMs})`, { path: `${where}.untilMs` });
    }
    if (!window && e.untilMs !== null) {
      fail('FAULTLINE_SCENARIO_INVALID', `${where}.untilMs: only ${windowActions.join(', ')} takes untilMs, not '${e.action}'`, { path: `${where}.untilMs` });
    }
    return {
      atNs: Math.round(e.atMs * 1e6),
      action: e.action,
      rid: d?.rid ?? null,
      pasid,
      count: e.count,
      ...(e.action === 'pasidReuse' ? { stopMarker: e.stopMarker } : {}),
      ...(window ? { untilNs: Math.round(e.untilMs! * 1e6) } : {}),
    };
  });
}
