// Check events as one line of text for causal chains: names instead of enum numbers.

import type { CheckEvent } from '../protocol/messages.ts';
import { layerNames, queueNames, queueOpNames, reasonNames } from '../protocol/check-events.ts';

const name = (table: string[], v: number): string => table[v] ?? `#${v}`;

export function describeEvent(ev: CheckEvent): string {
  switch (ev.type) {
    case 'chk.raise':
      return `device raised group ghost=${ev.ghost} rid=${ev.rid} prgi=${ev.prgi}${ev.pasidPresent ? ` pasid=${ev.pasid}` : ''} requests=${ev.requests} incarnation=${ev.incarnation}${ev.pasidGen > 1 ? ` pasid-incarnation=${ev.pasidGen}` : ''}`;
    case 'chk.pageReq':
      return `device sent page request ${ev.index}${ev.last ? ' (last)' : ''} of ghost=${ev.ghost}`;
    case 'chk.queue':
      return `${name(queueNames, ev.queue)}: ${name(queueOpNames, ev.op)} ${ev.count} of ghost=${ev.ghost}${ev.reason ? ` (${name(reasonNames, ev.reason)})` : ''}`;
    case 'chk.reqSeen':
      return `${name(layerNames, ev.layer)} core got page ${ev.page}${ev.last ? ' (last)' : ''} of ghost=${ev.ghost}`;
    case 'chk.deliver':
      return `${name(layerNames, ev.layer)} delivered group ghost=${ev.ghost} (${ev.requests} requests) to its handler`;
    case 'chk.respond':
      return `${name(layerNames, ev.layer)} sent ${ev.auto ? 'its own ' : ''}response code=${ev.code} for ghost=${ev.ghost} (rid=${ev.rid} prgi=${ev.prgi})`;
    case 'chk.respDelivered':
      return `device got response code=${ev.code} rid=${ev.rid} prgi=${ev.prgi} → ${ev.ghost === 0 ? 'matched no group' : `group ghost=${ev.ghost}`}`;
    case 'chk.retire':
      return `${name(layerNames, ev.layer)} retired ${ev.requests} request(s) of ghost=${ev.ghost} (${name(reasonNames, ev.reason)})`;
    case 'chk.xlateUsed':
      return `DMA used translation asid=${ev.asid} page=${ev.page} version=${ev.version}`;
    case 'chk.invDone':
      return `invalidation done asid=${ev.asid} pages ${ev.firstPage}..${ev.firstPage + ev.pages - 1} version=${ev.version}`;
    case 'chk.drainStart':
      return `host started draining rid=${ev.rid} pasid=${ev.pasid} (incarnation ${ev.gen})`;
    case 'chk.drainDone':
      return `host finished draining rid=${ev.rid} pasid=${ev.pasid} (incarnation ${ev.gen})`;
    case 'chk.pasidBind':
      return `rid=${ev.rid} pasid=${ev.pasid} bound to a new address space (incarnation ${ev.gen})`;
    case 'chk.liveness':
      return `liveness plan: every group answered within ${ev.boundNs} ns from ${ev.healAtNs} ns on`;
  }
}

/** The ghost id an event concerns, 0 when it concerns none. */
export function ghostOf(ev: CheckEvent): number {
  return 'ghost' in ev ? ev.ghost : 0;
}
