// I4: no silent loss. Per queue and group: accepted = enqueued + dropped (a drop always has
// a reason), and nothing leaves a queue that never entered it: dequeued ≤ enqueued at every
// event. At the end of a quiescent run everything enqueued has been dequeued. Entries are
// forgotten once balanced, so memory follows what is queued now, not the run's length.

import { checkQueue, checkQueueOp, checkReason, queueNames } from '../../protocol/check-events.ts';
import type { CheckEvent } from '../../protocol/messages.ts';
import type { Monitor, MonitorEnv, RunEnd } from '../types.ts';

interface Held {
  queue: number;
  ghost: number;
  enqueued: number;
  dequeued: number;
}

export interface QueueTotals {
  accepted: number;
  dropped: number;
  dequeued: number;
}

const listedMax = 8;
/** The queues I4 judges; the command queue and PRI credits are measured only (metrics). */
const conserved = new Set<number>([checkQueue.prq, checkQueue.hostCore, checkQueue.faultFd, checkQueue.vprq, checkQueue.guestCore]);

export function conservationMonitor(totals: QueueTotals[] = []): Monitor {
  const held = new Map<number, Held>();
  const k = (queue: number, ghost: number): number => ghost * 8 + queue;
  return {
    invariant: 'I4',
    event(ev: CheckEvent, env: MonitorEnv): void {
      if (ev.type !== 'chk.queue' || !conserved.has(ev.queue)) return;
      const t = (totals[ev.queue] ??= { accepted: 0, dropped: 0, dequeued: 0 });
      const q = queueNames[ev.queue] ?? `queue ${ev.queue}`;
      if (ev.op === checkQueueOp.drop) {
        t.accepted += ev.count;
        t.dropped += ev.count;
        if (ev.reason === checkReason.none) env.violate('I4', `${q} dropped ${ev.count} item(s) of group ${ev.ghost} without a reason`, [ev.ghost]);
        return;
      }
      const key = k(ev.queue, ev.ghost);
      let h = held.get(key);
      if (ev.op === checkQueueOp.enqueue) {
        t.accepted += ev.count;
        if (!h) held.set(key, (h = { queue: ev.queue, ghost: ev.ghost, enqueued: 0, dequeued: 0 }));
        h.enqueued += ev.count;
        return;
      }
      if (ev.op !== checkQueueOp.dequeue) return;
      t.dequeued += ev.count;
      const had = h ? h.enqueued - h.dequeued : 0;
      if (ev.count > had) {
        env.violate('I4', `${q} gave out ${ev.count} item(s) of group ${ev.ghost} but held ${had} of it (dequeued without being queued)`, [ev.ghost]);
      }
      if (h) {
        h.dequeued += ev.count;
        if (h.dequeued >= h.enqueued) held.delete(key);
      }
    },
    finish(end: RunEnd, env: MonitorEnv): void {
      if (!end.quiescent) return;
      const left = [...held.values()];
      for (const h of left.slice(0, listedMax)) {
        env.violate('I4', `${queueNames[h.queue]} still holds ${h.enqueued - h.dequeued} item(s) of group ${h.ghost} at quiescence`, [h.ghost]);
      }
      if (left.length > listedMax) env.violate('I4', `${left.length - listedMax} more queue entries were never taken out`, []);
    },
  };
}
