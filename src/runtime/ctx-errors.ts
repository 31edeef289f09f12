// The programmer errors an actor's ctx reports the same way in every runtime (threads, the
// simulator, the recorded replay): a failed ctx.assert, a negative timer delay, a send on a
// channel that does not exist or that the actor does not own.

import { fail } from '../util/errors.ts';

export function assertionFailed(actor: string, code: string, detail: string | undefined): never {
  return fail(code, `assertion failed in actor '${actor}'${detail ? `: ${detail}` : ''}`);
}

export function checkTimerDelay(actor: string, delayNs: number): void {
  if (!(delayNs >= 0)) fail('FAULTLINE_TIMER_DELAY', `actor '${actor}' set a timer with delay ${delayNs}; delays are >= 0 ns`);
}

/** A send on `channel`, which `actor` does not own: unknown when `exists` is false; `owner` names who owns it, when known. */
export function badSendChannel(actor: string, channel: string, exists: boolean, owner?: string): never {
  if (!exists) fail('FAULTLINE_UNKNOWN_CHANNEL', `actor '${actor}' sent on unknown channel '${channel}'`);
  return fail('FAULTLINE_CHANNEL_OWNER', `actor '${actor}' sent on channel '${channel}', ${owner === undefined ? 'which it does not own' : `which belongs to '${owner}'`}`);
}
