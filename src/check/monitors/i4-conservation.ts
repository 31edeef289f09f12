// I4: no silent loss. Per queue and group: accepted = enqueued + dropped (a drop always has
// a reason), and nothing leaves a queue that never entered it: dequeued ≤ enqueued at every
// event. At the end of a quiescent run everything enqueued has been dequeued. Entries are
// forgotten once balanced, so memory follows what is queued now, not the run's length.
// An entry is one number (enqueued − dequeued) under the key ghost·8 + queue: no object per
// group and queue on the checker's hot path (ordered-counts.ts).

import { checkQueue, checkQueueOp, checkReason, queueNames } from '../../protocol/check-events.ts';
import type { CheckEventOf, Monitor, MonitorEnv, RunEnd } from '../types.ts';
import { OrderedCounts } from '../ordered-counts.ts';

export interface QueueTotals {
  accepted: number;
  dropped: number;
  dequeued: number;
}

const listedMax = 8;
/** The queues I4 judges; the command queue and PRI credits are measured only (metrics). */
const conservedQueues: readonly number[] = [checkQueue.prq, checkQueue.hostCore, checkQueue.faultFd, checkQueue.vprq, checkQueue.guestCore];
const conserved: readonly boolean[] = Array.from({ length: 256 }, (_, q) => conservedQueues.includes(q));

export interface ConservationMonitor extends Monitor {
  queue(ev: CheckEventOf<'chk.queue'>): void;
}

const queueName = (queue: number): string => queueNames[queue] ?? `queue ${queue}`;

export function conservationMonitor(env: MonitorEnv, totals: QueueTotals[] = []): ConservationMonitor {
  /** ghost·8 + queue → items enqueued and not yet dequeued (> 0), in first-enqueue order. */
  const held = new OrderedCounts();
  const k = (queue: number, ghost: number): number => ghost * 8 + queue;
  return {
    invariant: 'I4',
    queue(ev): void {
      if (!conserved[ev.queue]) return;
      const t = (totals[ev.queue] ??= { accepted: 0, dropped: 0, dequeued: 0 });
      if (ev.op === checkQueueOp.drop) {
        t.accepted += ev.count;
        t.dropped += ev.count;
        if (ev.reason === checkReason.none) env.violate('I4', `${queueName(ev.queue)} dropped ${ev.count} item(s) of group ${ev.ghost} without a reason`, [ev.ghost]);
        return;
      }
      if (ev.op === checkQueueOp.enqueue) {
        t.accepted += ev.count;
        held.add(k(ev.queue, ev.ghost), ev.count);
        return;
      }
      if (ev.op !== checkQueueOp.dequeue) return;
      t.dequeued += ev.count;
      const had = held.take(k(ev.queue, ev.ghost), ev.count);
      if (ev.count > had) {
        env.violate('I4', `${queueName(ev.queue)} gave out ${ev.count} item(s) of group ${ev.ghost} but held ${had} of it (dequeued without being queued)`, [ev.ghost]);
      }
    },
    finish(end: RunEnd): void {
      if (!end.quiescent) return;
      const left = held.entries();
      for (const [key, items] of left.slice(0, listedMax)) {
        const ghost = Math.floor(key / 8);
        env.violate('I4', `${queueNames[key % 8]} still holds ${items} item(s) of group ${ghost} at quiescence`, [ghost]);
      }
      if (left.length > listedMax) env.violate('I4', `${left.length - listedMax} more queue entries were never taken out`, []);
    },
  };
}
