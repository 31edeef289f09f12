// The metrics collector on hand-made check-event streams (src/check/metrics-collector.ts):
// round trip and hops of a group, the PRQ with drops by reason, the fault object split into
// its deliver list and pending responses, the IOPF core, command queue and PRI credits per
// RID, series per interval, and time that never goes back.

import { describe, expect, it } from 'vitest';
import { MetricsCollector } from '../../src/check/metrics-collector.ts';
import { checkLayer, checkQueue, checkQueueOp, checkReason } from '../../src/protocol/check-events.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';

const raise = (ghost: number, rid = 0x100, requests = 1): CheckEvent => ({
  type: 'chk.raise',
  ghost,
  rid,
  pasid: 1,
  pasidPresent: true,
  prgi: ghost % 512,
  requests,
  incarnation: 0,
  firstPage: 0,
  pasidGen: 1,
});
const q = (queue: number, op: number, ghost: number, count = 1, reason: number = checkReason.none): CheckEvent => ({ type: 'chk.queue', queue, op, ghost, count, reason });
const respond = (layer: number, ghost: number, auto = false): CheckEvent => ({ type: 'chk.respond', layer, ghost, code: 0, rid: 0x100, prgi: ghost % 512, auto });
const delivered = (ghost: number, code = 0): CheckEvent => ({ type: 'chk.respDelivered', ghost, rid: 0x100, prgi: ghost % 512, code });

/** One group through every tier, 1000 ns a hop, starting at t0. */
function group(ghost: number, t0: number): [CheckEvent, number][] {
  return [
    [raise(ghost), t0],
    [q(checkQueue.priCredits, checkQueueOp.enqueue, ghost), t0],
    [q(checkQueue.prq, checkQueueOp.enqueue, ghost), t0 + 1000],
    [q(checkQueue.prq, checkQueueOp.dequeue, ghost), t0 + 2000],
    [{ type: 'chk.reqSeen', layer: checkLayer.host, ghost, page: 0, last: true }, t0 + 2000],
    [{ type: 'chk.deliver', layer: checkLayer.host, ghost, requests: 1 }, t0 + 2000],
    [q(checkQueue.faultFd, checkQueueOp.enqueue, ghost), t0 + 2000],
    [q(checkQueue.faultFd, checkQueueOp.move, ghost), t0 + 3000],
    [q(checkQueue.vprq, checkQueueOp.enqueue, ghost), t0 + 3000],
    [q(checkQueue.vprq, checkQueueOp.dequeue, ghost), t0 + 4000],
    [{ type: 'chk.reqSeen', layer: checkLayer.guest, ghost, page: 0, last: true }, t0 + 4000],
    [{ type: 'chk.deliver', layer: checkLayer.guest, ghost, requests: 1 }, t0 + 4000],
    [respond(checkLayer.guest, ghost), t0 + 5000],
    [respond(checkLayer.vmm, ghost), t0 + 6000],
    [q(checkQueue.faultFd, checkQueueOp.dequeue, ghost), t0 + 7000],
    [respond(checkLayer.host, ghost), t0 + 7000],
    [q(checkQueue.cmdq, checkQueueOp.enqueue, 0), t0 + 7000],
    [q(checkQueue.cmdq, checkQueueOp.dequeue, 0), t0 + 7500],
    [delivered(ghost), t0 + 8000],
    [q(checkQueue.priCredits, checkQueueOp.dequeue, ghost), t0 + 8000],
  ];
}

describe('metrics collector', () => {
  it("takes a batch (the checker's, in columns) as it takes the same events one at a time", () => {
    const stream = [1, 2, 3].flatMap((g) => group(g, g * 3000));
    const one = new MetricsCollector({ intervalNs: 500, pointsMax: 4, traceEventsMax: 10 });
    stream.forEach(([ev, t], i) => one.event(ev, t, i % 5));
    const batched = new MetricsCollector({ intervalNs: 500, pointsMax: 4, traceEventsMax: 10 });
    const events: (CheckEvent | null)[] = stream.map(([ev]) => ev);
    batched.batch(
      events,
      stream.map(([, t]) => t),
      stream.map((_, i) => i % 5),
      25,
    );
    batched.batch(
      events.slice(25),
      stream.slice(25).map(([, t]) => t),
      stream.slice(25).map((_, i) => (i + 25) % 5),
      stream.length - 25,
    );
    expect(batched.finish()).toEqual(one.finish());
  });

  it('follows a group through every tier: round trip, hops, every queue with its sojourn, Little on each', () => {
    const c = new MetricsCollector({ intervalNs: 1000 });
    for (const [ev, t] of group(1, 0)) c.event(ev, t);
    const m = c.finish();
    expect(m.endNs).toBe(8000);
    expect(m.roundTrip.count).toBe(1);
    expect(m.roundTrip.p50Ns).toBe(8000);
    expect(m.hops.map((h) => [h.hop, h.latency.maxNs])).toEqual([
      ['device.raise→iommu.prq', 1000],
      ['iommu.prq→host.prqRead', 1000],
      ['host.prqRead→host.deliver', 0],
      ['host.deliver→vmm.read', 1000],
      ['vmm.read→vmm.inject', 0],
      ['vmm.inject→guest.prqRead', 1000],
      ['guest.prqRead→guest.deliver', 0],
      ['guest.deliver→guest.respond', 1000],
      ['guest.respond→vmm.respond', 1000],
      ['vmm.respond→host.respond', 1000],
      ['host.respond→device.response', 1000],
    ]);
    const sojourn = Object.fromEntries(m.queues.map((x) => [x.queue, x.sojournMeanNs]));
    expect(sojourn).toEqual({
      prq: 1000,
      hostCore: 5000,
      'faultFd.deliver': 1000,
      'faultFd.pending': 4000,
      vprq: 1000,
      guestCore: 1000,
      cmdq: 500,
      'priCredits 0x0100': 8000,
    });
    for (const x of m.queues) expect([x.queue, x.arrivals, x.departures, x.little.ok]).toEqual([x.queue, 1, 1, true]);
    expect(m.little).toEqual({ ok: true, tolerance: 0.01, failed: [] });
  });

  it('counts drops by queue and reason, auto-responses by layer and responses by code, per interval', () => {
    const c = new MetricsCollector({ intervalNs: 1000 });
    c.event(raise(1), 0);
    c.event(q(checkQueue.prq, checkQueueOp.drop, 1, 1, checkReason.overflow), 500);
    c.event(respond(checkLayer.iommu, 1, true), 500);
    c.event(delivered(1, 1), 1500);
    c.event(raise(2), 2100);
    c.event(q(checkQueue.vprq, checkQueueOp.drop, 2, 1, checkReason.overflow), 2200);
    c.event(q(checkQueue.prq, checkQueueOp.drop, 2, 1, checkReason.priDisabled), 2300);
    const m = c.finish();
    const series = Object.fromEntries(m.series.map((s) => [`${s.metric} ${Object.values(s.labels).join('/')}`, s.values]));
    expect(m.points).toBe(3);
    expect(series).toEqual({
      'raises ': [1, 0, 1],
      'drops prq/overflow': [1, 0, 0],
      'autoResponses iommu': [1, 0, 0],
      'responses invalid': [0, 1, 0],
      'drops vprq/overflow': [0, 0, 1],
      'drops prq/priDisabled': [0, 0, 1],
    });
    expect(m.queues.find((x) => x.queue === 'prq')!.drops).toEqual({ overflow: 1, priDisabled: 1 });
    expect(m.roundTrip.count).toBe(1);
    expect(m.hops.map((h) => h.hop)).toEqual(['device.raise→iommu.respond', 'iommu.respond→device.response']);
  });

  it('a discarded partial leaves the host core as retired, and a group never answered stays queued to the end (residual)', () => {
    const c = new MetricsCollector();
    c.event(raise(5, 0x100, 2), 0);
    c.event({ type: 'chk.reqSeen', layer: checkLayer.host, ghost: 5, page: 0, last: false }, 100);
    c.event({ type: 'chk.retire', layer: checkLayer.host, ghost: 5, reason: checkReason.discardPartial, requests: 1 }, 300);
    c.event(raise(6), 400);
    c.event({ type: 'chk.reqSeen', layer: checkLayer.host, ghost: 6, page: 0, last: true }, 500);
    c.event({ type: 'chk.xlateUsed', asid: 1, page: 1, version: 1 }, 1000);
    const m = c.finish();
    const core = m.queues.find((x) => x.queue === 'hostCore')!;
    expect(core).toMatchObject({ arrivals: 2, departures: 1, drops: { discardPartial: 1 }, sojournMeanNs: 200 });
    expect(core.little).toMatchObject({ ok: true, residual: 1, meanSojournNs: (200 + 500) / 2 });
    expect(m.series.find((s) => s.metric === 'retired')!.labels).toEqual({ layer: 'host', reason: 'discardPartial' });
  });

  it('never lets time go back: an event stamped earlier counts at the latest time seen', () => {
    const c = new MetricsCollector();
    c.event(q(checkQueue.prq, checkQueueOp.enqueue, 1), 1000);
    c.event(q(checkQueue.prq, checkQueueOp.dequeue, 1), 900);
    const m = c.finish();
    const prq = m.queues.find((x) => x.queue === 'prq')!;
    expect(prq.sojournMeanNs).toBe(0);
    expect(prq.little.ok).toBe(true);
  });

  it('keeps a trace window of the first events only when asked', () => {
    const none = new MetricsCollector();
    none.event(raise(1), 0);
    expect(none.finish().traceWindow).toBeUndefined();
    const c = new MetricsCollector({ traceEventsMax: 3 }, ['device']);
    for (const [ev, t] of group(1, 0)) c.event(ev, t, 0);
    const w = c.finish().traceWindow!;
    expect(w.events.length).toBe(3);
    expect(w.eventsTotal).toBe(20);
    expect(w.actorNames).toEqual(['device']);
  });
});
