// The run's metrics, computed from the same check events the checker judges, in the same
// order and with the same scenario time, so they are the same in the simulator, on threads and
// in a recorded replay. The checker hands it each batch of events before judging it
// (Checker.flush → batch); it never changes the run. What it measures:
// - latency: the round trip of every group (raise → response delivered to the device) and each
//   hop between consecutive points a group passed (src/metrics/histogram.ts);
// - every queue the events name (src/metrics/queue-meter.ts): the PRQ, the host IOPF core
//   (page requests from reception until the group is answered or retired), the iommufd fault
//   object's deliver list and its pending responses (read, not yet answered), the virtual PRQ,
//   the guest IOPF core, the IOMMU command (invalidation) queue, and each function's
//   outstanding PRI credits (one queue per RID), with Little's law checked on each;
// - per interval: raises, responses by code (throughput), retries (Success responses, after
//   which the device retries its accesses), drops by queue and reason, auto-responses by layer,
//   retirements by layer and reason.
// Event times never go back here: an event stamped earlier than the one before it (threads:
// different workers' clocks) counts at the later time, for queues and series alike.

import { checkLayer, checkQueue, checkQueueOp, layerNames, reasonNames } from '../protocol/check-events.ts';
import { prgCode } from '../protocol/iopf.ts';
import type { CheckEvent } from '../protocol/messages.ts';
import { createHistogram, record, summarize, type Histogram, type LatencySummary } from '../metrics/histogram.ts';
import { QueueMeter, littleTolerance, type QueueMetrics } from '../metrics/queue-meter.ts';
import { CounterSeries, SeriesClock } from '../metrics/series.ts';
import { DirectMap } from '../util/direct-map.ts';
import { OrderedIdMap } from './ordered-id-map.ts';
import { routeSlot, slot } from './route-slot.ts';
import { append } from '../util/append.ts';

type Ev<T extends CheckEvent['type']> = CheckEvent & { type: T };

export interface MetricsOptions {
  /** Starting interval of the time series (scenario ns); it doubles whenever a series would pass pointsMax points. Default 1000. */
  intervalNs?: number;
  /** Most points per series. Default 1000. */
  pointsMax?: number;
  /** Keep the first this many check events (with time and actor) for trace.json; 0 (default): none. */
  traceEventsMax?: number;
}

/** The first events of the run as the checker saw them, for trace.json (src/report/outputs/trace-json.ts). */
export interface TraceWindow {
  /** [timeNs (never going back), actor index, event], in history order. */
  events: [number, number, CheckEvent][];
  /** Events of the whole run (the window holds the first events.length of them). */
  eventsTotal: number;
  actorNames: readonly string[];
}

export interface QueueReport extends QueueMetrics {
  labels: Record<string, string>;
}

export interface SeriesReport {
  metric: string;
  labels: Record<string, string>;
  values: number[];
}

export interface HopReport {
  hop: string;
  from: string;
  to: string;
  latency: LatencySummary;
}

export interface RunMetrics {
  /** End of the measurement window: the time of the run's last event (scenario ns); the window is [0, endNs]. */
  endNs: number;
  /** The series' interval (scenario ns) and their number of points. */
  intervalNs: number;
  points: number;
  roundTrip: LatencySummary;
  hops: HopReport[];
  queues: QueueReport[];
  series: SeriesReport[];
  /** Little's law on every queue: ok when every queue holds it within `tolerance`; failed names the queues that do not. */
  little: { ok: boolean; tolerance: number; failed: string[] };
  /** With traceEventsMax: the run's first events for trace.json (left out of --json and summary.json). */
  traceWindow?: TraceWindow;
}

/** The points of a group's path, in path order (a group passes some of them). */
const hopPoints = [
  'device.raise',
  'iommu.prq',
  'host.prqRead',
  'host.deliver',
  'vmm.read',
  'vmm.inject',
  'guest.prqRead',
  'guest.deliver',
  'guest.respond',
  'vmm.respond',
  'host.respond',
  'iommu.respond',
  'device.response',
] as const;
const point = Object.fromEntries(hopPoints.map((p, i) => [p, i])) as Record<(typeof hopPoints)[number], number>;
/** The point a layer's response passes, by checkLayer (-1: none). */
const respondPoints: readonly number[] = [-1, point['iommu.respond'], point['host.respond'], point['vmm.respond'], point['guest.respond']];

interface Flight {
  raisedNs: number;
  lastPoint: number;
  lastNs: number;
  seen: number;
}

const flightsMax = 1 << 17;

interface Counter {
  metric: string;
  labels: Record<string, string>;
  series: CounterSeries;
}

const codeNames: Record<number, string> = { [prgCode.SUCCESS]: 'success', [prgCode.INVALID]: 'invalid', [prgCode.FAILURE]: 'failure' };

/** A reason's name (only drops and retirements need it: looked up then, not per queue event). */
const reasonOf = (reason: number): string => reasonNames[reason] ?? String(reason);

const hex4 = (rid: number): string => `0x${rid.toString(16).padStart(4, '0')}`;

export class MetricsCollector {
  private readonly clock: SeriesClock;
  private nowNs = 0;
  /** The series point of nowNs, looked up on first use at that time (-1: not yet), so an event's series share one lookup (issue 9). */
  private nowPoint = -1;
  private readonly roundTrip: Histogram = createHistogram();
  /** Hop histograms by from·32 + to (hopPoints indexes). */
  private readonly hops: (Histogram | undefined)[] = [];
  /** By ghost, in raise order (the oldest is let go when flightsMax are in flight); direct-mapped, not hashed (issue 9). */
  private readonly flights = new OrderedIdMap<Flight>(14);
  /** Flights of finished groups, reused by the next raises: a record per group in flight, none allocated once warm. */
  private readonly spareFlights: Flight[] = [];
  /** Flight records allocated so far (the rest were reused): a work counter for the tests. */
  recordsMade = 0;
  private readonly meters = new Map<string, { meter: QueueMeter; labels: Record<string, string> }>();
  private readonly counters = new Map<string, Map<string, Map<string, Counter>>>();
  private readonly counterList: Counter[] = [];
  /** The counters every group touches, resolved once instead of three Map lookups an event (issue 9). */
  private raises: Counter | undefined;
  private retries: Counter | undefined;
  /** By response code (a 4-bit field). */
  private readonly responsesByCode: (Counter | undefined)[] = [];
  /** ghost → RID of the function that raised it, while it holds PRI credits. */
  private readonly creditRid = new DirectMap<number>(14);
  /** By RID (16 bits): an array index, not a hash per credit event (issue 9). */
  private readonly creditMeters: (QueueMeter | undefined)[] = [];
  private readonly prq: QueueMeter;
  private readonly hostCore: QueueMeter;
  private readonly fdDeliver: QueueMeter;
  private readonly fdPending: QueueMeter;
  private readonly vprq: QueueMeter;
  private readonly guestCore: QueueMeter;
  private readonly cmdq: QueueMeter;
  private backlog: QueueMeter | undefined;

  private readonly trace: TraceWindow | null;
  private readonly traceMax: number;

  constructor(options: MetricsOptions = {}, actorNames: readonly string[] = []) {
    this.traceMax = options.traceEventsMax ?? 0;
    this.trace = this.traceMax > 0 ? { events: [], eventsTotal: 0, actorNames } : null;
    this.clock = new SeriesClock(options.intervalNs ?? 1000, options.pointsMax ?? 1000);
    // Every run reports these, in path order, even when one saw nothing; PRI credits follow per RID.
    this.prq = this.meter('prq');
    this.hostCore = this.meter('hostCore');
    this.fdDeliver = this.meter('faultFd.deliver');
    this.fdPending = this.meter('faultFd.pending');
    this.vprq = this.meter('vprq');
    this.guestCore = this.meter('guestCore');
    this.cmdq = this.meter('cmdq');
  }

  event(ev: CheckEvent, timeNs: number, actor = -1): void {
    this.eventOfSlot(routeSlot(ev.type), ev, timeNs, actor);
  }

  /**
   * A batch's first n events in order (the checker's, event-batch.ts), before the checker judges
   * them: in a loop of their own the metrics' code and tables stay in the caches, where one call
   * per event between the monitors cost them ~1.5× (issue 9).
   */
  batch(events: readonly (CheckEvent | null)[], timesNs: readonly number[], actors: readonly number[], n: number): void {
    for (let i = 0; i < n; i++) {
      const ev = events[i]!;
      this.eventOfSlot(routeSlot(ev.type), ev, timesNs[i]!, actors[i]!);
    }
  }

  /**
   * One event whose type the caller has read already (`type`: its route slot, route-slot.ts):
   * each type goes to its own handler, whose reads of the event see one shape (issue 9).
   */
  eventOfSlot(type: number, ev: CheckEvent, timeNs: number, actor: number): void {
    if (timeNs > this.nowNs) {
      this.nowNs = timeNs;
      this.nowPoint = -1;
    }
    const t = this.nowNs;
    if (this.trace !== null) {
      if (this.trace.eventsTotal++ < this.traceMax) this.trace.events.push([t, actor, ev]);
    }
    switch (type) {
      case slot.raise:
        this.raise(ev as Ev<'chk.raise'>, t);
        return;
      case slot.queue:
        this.queueEvent(ev as Ev<'chk.queue'>, t);
        return;
      case slot.reqSeen:
        this.reqSeen(ev as Ev<'chk.reqSeen'>, t);
        return;
      case slot.deliver:
        this.deliver(ev as Ev<'chk.deliver'>, t);
        return;
      case slot.respond:
        this.respond(ev as Ev<'chk.respond'>, t);
        return;
      case slot.respDelivered:
        this.respDelivered(ev as Ev<'chk.respDelivered'>, t);
        return;
      case slot.retire:
        this.retire(ev as Ev<'chk.retire'>, t);
        return;
      default:
    }
  }

  private raise(ev: Ev<'chk.raise'>, t: number): void {
    (this.raises ??= this.counter('raises')).series.addAt(this.pointNow(), 1);
    if (this.flights.size >= flightsMax) this.land(this.flights.firstId()!);
    let f = this.spareFlights.pop();
    if (f === undefined) {
      f = { raisedNs: 0, lastPoint: 0, lastNs: 0, seen: 0 };
      this.recordsMade++;
    }
    f.raisedNs = t;
    f.lastPoint = point['device.raise'];
    f.lastNs = t;
    f.seen = 1 << point['device.raise'];
    this.flights.set(ev.ghost, f);
    this.creditRid.set(ev.ghost, ev.rid);
  }

  private reqSeen(ev: Ev<'chk.reqSeen'>, t: number): void {
    if (ev.layer === checkLayer.host) this.hostCore.arriveAt(t, this.pointNow(), ev.ghost, 1);
    else if (ev.layer === checkLayer.guest) this.guestCore.arriveAt(t, this.pointNow(), ev.ghost, 1);
  }

  private deliver(ev: Ev<'chk.deliver'>, t: number): void {
    if (ev.layer === checkLayer.host) this.pass(this.flights.get(ev.ghost), point['host.deliver'], t);
    else if (ev.layer === checkLayer.guest) this.pass(this.flights.get(ev.ghost), point['guest.deliver'], t);
  }

  private respond(ev: Ev<'chk.respond'>, t: number): void {
    if (ev.auto) this.count('autoResponses', 1, 'layer', layerNames[ev.layer] ?? String(ev.layer));
    const layer = ev.layer;
    if (layer === checkLayer.host) this.hostCore.departHeldAt(t, this.pointNow(), ev.ghost, Infinity);
    else if (layer === checkLayer.guest) this.guestCore.departHeldAt(t, this.pointNow(), ev.ghost, Infinity);
    const p = respondPoints[layer] ?? -1;
    if (p >= 0) this.pass(this.flights.get(ev.ghost), p, t);
  }

  private respDelivered(ev: Ev<'chk.respDelivered'>, t: number): void {
    let byCode = this.responsesByCode[ev.code];
    if (byCode === undefined) byCode = this.responsesByCode[ev.code] = this.counter('responses', 'code', codeNames[ev.code] ?? 'reserved');
    byCode.series.addAt(this.pointNow(), 1);
    if (ev.ghost === 0) return;
    if (ev.code === prgCode.SUCCESS) (this.retries ??= this.counter('retries')).series.addAt(this.pointNow(), 1);
    const f = this.flights.get(ev.ghost);
    if (f === undefined) return;
    this.pass(f, point['device.response'], t);
    record(this.roundTrip, t - f.raisedNs);
    this.flights.delete(ev.ghost);
    append(this.spareFlights, f);
  }

  private retire(ev: Ev<'chk.retire'>, t: number): void {
    const layer = layerNames[ev.layer] ?? String(ev.layer);
    const reason = reasonOf(ev.reason);
    this.count('retired', ev.requests, 'layer', layer, 'reason', reason);
    if (ev.layer === checkLayer.host) this.retireFrom(this.hostCore, t, ev.ghost, ev.requests, reason);
    else if (ev.layer === checkLayer.guest) this.retireFrom(this.guestCore, t, ev.ghost, ev.requests, reason);
    else if (ev.layer === checkLayer.device) this.land(ev.ghost);
  }

  private queueEvent(ev: Ev<'chk.queue'>, t: number): void {
    switch (ev.queue) {
      case checkQueue.prq:
        this.ring(ev, t, this.prq, 'prq', point['iommu.prq'], point['host.prqRead']);
        return;
      case checkQueue.vprq:
        this.ring(ev, t, this.vprq, 'vprq', point['vmm.inject'], point['guest.prqRead']);
        return;
      case checkQueue.faultFd:
        if (ev.op === checkQueueOp.enqueue) this.fdDeliver.arriveAt(t, this.pointNow(), ev.ghost, ev.count);
        else if (ev.op === checkQueueOp.move) {
          this.fdDeliver.departHeldAt(t, this.pointNow(), ev.ghost, ev.count);
          this.fdPending.arriveAt(t, this.pointNow(), ev.ghost, ev.count);
          this.pass(this.flights.get(ev.ghost), point['vmm.read'], t);
        } else if (ev.op === checkQueueOp.dequeue) {
          // Out of whichever list holds it: answered after a read, or taken unread (auto-response, stale).
          if (!this.fdPending.departIfHeldAt(t, this.pointNow(), ev.ghost, ev.count)) this.fdDeliver.departAt(t, this.pointNow(), ev.ghost, ev.count);
        } else if (ev.op === checkQueueOp.drop) {
          this.fdDeliver.drop(reasonOf(ev.reason), ev.count);
          this.count('drops', ev.count, 'queue', 'faultFd', 'reason', reasonOf(ev.reason));
        }
        return;
      case checkQueue.cmdq:
        if (ev.op === checkQueueOp.enqueue) this.cmdq.arriveAt(t, this.pointNow(), 0, ev.count);
        else if (ev.op === checkQueueOp.dequeue) this.cmdq.departAt(t, this.pointNow(), 0, ev.count);
        return;
      case checkQueue.deviceBacklog: {
        // Created on first use: a closed-loop run has no backlog and shows none.
        const m = (this.backlog ??= this.meter('deviceBacklog'));
        if (ev.op === checkQueueOp.enqueue) m.arriveAt(t, this.pointNow(), ev.ghost, ev.count);
        else if (ev.op === checkQueueOp.dequeue) m.departAt(t, this.pointNow(), ev.ghost, ev.count);
        else if (ev.op === checkQueueOp.drop) {
          // Arrivals lost: refused by a full backlog, or for a removed function (those that waited were dequeued first).
          m.drop(reasonOf(ev.reason), ev.count);
          this.count('drops', ev.count, 'queue', 'deviceBacklog', 'reason', reasonOf(ev.reason));
        }
        return;
      }
      case checkQueue.priCredits: {
        const rid = this.creditRid.get(ev.ghost) ?? 0;
        let m = this.creditMeters[rid];
        if (m === undefined) this.creditMeters[rid] = m = this.meter(`priCredits ${hex4(rid)}`, { queue: 'priCredits', rid: hex4(rid) });
        if (ev.op === checkQueueOp.enqueue) m.arriveAt(t, this.pointNow(), ev.ghost, ev.count);
        else if (ev.op === checkQueueOp.dequeue) {
          if (m.departAt(t, this.pointNow(), ev.ghost, ev.count) === 0) this.creditRid.delete(ev.ghost);
        }
        return;
      }
      default:
    }
  }

  /** An event of the PRQ or the virtual PRQ (`name`): an enqueue passes point `enqueued`, a dequeue (the consumer's read) `read`. */
  private ring(ev: Ev<'chk.queue'>, t: number, m: QueueMeter, name: string, enqueued: number, read: number): void {
    const op = ev.op;
    if (op === checkQueueOp.enqueue) {
      m.arriveAt(t, this.pointNow(), ev.ghost, ev.count);
      this.pass(this.flights.get(ev.ghost), enqueued, t);
    } else if (op === checkQueueOp.dequeue) {
      m.departAt(t, this.pointNow(), ev.ghost, ev.count);
      this.pass(this.flights.get(ev.ghost), read, t);
    } else if (op === checkQueueOp.drop) {
      m.drop(reasonOf(ev.reason), ev.count);
      this.count('drops', ev.count, 'queue', name, 'reason', reasonOf(ev.reason));
    }
  }

  /**
   * The series point of the event's time. Looked up when a series is first touched at that time,
   * as each series did on its own before, so the clock coarsens at the same moment (the level
   * series' float sums, hence every figure, stay the same).
   */
  private pointNow(): number {
    return this.nowPoint >= 0 ? this.nowPoint : (this.nowPoint = this.clock.pointOf(this.nowNs));
  }

  /** `n` items of `ghost` (at most what the queue holds of it) leave a derived queue without an answer, for `reason`. */
  private retireFrom(m: QueueMeter, t: number, ghost: number, n: number, reason: string): void {
    const k = m.departHeldAt(t, this.pointNow(), ghost, n);
    if (k > 0) m.drop(reason, k);
  }

  private meter(name: string, labels?: Record<string, string>): QueueMeter {
    let e = this.meters.get(name);
    if (e === undefined) this.meters.set(name, (e = { meter: new QueueMeter(name, this.clock), labels: labels ?? { queue: name } }));
    return e.meter;
  }

  /** Adds n to the series `metric` with labels (k1, v1, k2, v2); nested maps, so the hot path allocates nothing. */
  private count(metric: string, n: number, k1?: string, v1?: string, k2?: string, v2?: string): void {
    this.counter(metric, k1, v1, k2, v2).series.addAt(this.pointNow(), n);
  }

  /** The series of (metric, labels), made on first use (the report lists them in that order). */
  private counter(metric: string, k1?: string, v1?: string, k2?: string, v2?: string): Counter {
    let byV1 = this.counters.get(metric);
    if (byV1 === undefined) this.counters.set(metric, (byV1 = new Map()));
    let byV2 = byV1.get(v1 ?? '');
    if (byV2 === undefined) byV1.set(v1 ?? '', (byV2 = new Map()));
    let c = byV2.get(v2 ?? '');
    if (c === undefined) {
      const labels: Record<string, string> = {};
      if (k1 !== undefined) labels[k1] = v1!;
      if (k2 !== undefined) labels[k2] = v2!;
      byV2.set(v2 ?? '', (c = { metric, labels, series: new CounterSeries(this.clock) }));
      this.counterList.push(c);
    }
    return c;
  }

  /** The group's flight is over: its record goes back for reuse. */
  private land(ghost: number): void {
    const f = this.flights.get(ghost);
    if (f === undefined) return;
    this.flights.delete(ghost);
    append(this.spareFlights, f);
  }

  /** The group of flight f (undefined: not in flight) reached point `p` at t: the hop from the last point it passed gets t − then (a point counts once per group). */
  private pass(f: Flight | undefined, p: number, t: number): void {
    if (f === undefined || (f.seen & (1 << p)) !== 0) return;
    const k = f.lastPoint * 32 + p;
    let h = this.hops[k];
    if (h === undefined) this.hops[k] = h = createHistogram();
    record(h, t - f.lastNs);
    f.seen |= 1 << p;
    f.lastPoint = p;
    f.lastNs = t;
  }

  finish(): RunMetrics {
    const endNs = this.nowNs;
    const points = this.clock.pointsTo(endNs);
    // Labels go onto each meter's fresh result (last, where a spread copy put them): copying every result cost a short run's finish a third of its time (issue 9).
    const queues: QueueReport[] = [];
    for (const { meter, labels } of this.meters.values()) queues.push(Object.assign(meter.result(endNs), { labels }));
    const hops: HopReport[] = [...this.hops.entries()]
      .filter((e): e is [number, Histogram] => e[1] !== undefined)
      .map(([k, h]) => {
        const from = hopPoints[Math.floor(k / 32)]!;
        const to = hopPoints[k % 32]!;
        return { hop: `${from}→${to}`, from, to, latency: summarize(h) };
      });
    const failed = queues.filter((q) => !q.little.ok).map((q) => q.queue);
    return {
      endNs,
      intervalNs: this.clock.intervalNs,
      points,
      roundTrip: summarize(this.roundTrip),
      hops,
      queues,
      series: this.counterList.map((c) => ({ metric: c.metric, labels: c.labels, values: c.series.points(endNs) })),
      little: { ok: failed.length === 0, tolerance: littleTolerance, failed },
      ...(this.trace !== null ? { traceWindow: this.trace } : {}),
    };
  }
}

/**
 * The end-of-run check of Little's law on every queue, for the report's checks: the window,
 * the worst relative error, and on failure each queue that broke it with L, λ·W and the
 * departures that matched no arrival.
 */
export function littleLawCheck(m: RunMetrics): { name: string; ok: boolean; detail: string } {
  const name = "Little's law (L = λ·W) on every queue";
  const window = `over [0, ${(m.endNs / 1000).toFixed(1)} µs], items queued at the end counted up to it`;
  const pct = (x: number): string => `${(x * 100).toFixed(3)} %`;
  if (m.little.ok) {
    const worst = m.queues.reduce((w, q) => (q.little.relativeError > w.little.relativeError ? q : w), m.queues[0]!);
    return { name, ok: true, detail: `${m.queues.length} queues within ${pct(m.little.tolerance)} ${window}; worst ${worst ? `${pct(worst.little.relativeError)} (${worst.queue})` : '0'}` };
  }
  const broken = m.queues
    .filter((q) => !q.little.ok)
    .map((q) => {
      const lw = q.little.arrivalRatePerNs * q.little.meanSojournNs;
      return `${q.queue}: L ${q.little.meanOccupancy.toPrecision(6)} vs λ·W ${lw.toPrecision(6)} (${pct(q.little.relativeError)})${q.little.unmatched ? `, ${q.little.unmatched} departure(s) matched no arrival` : ''}`;
    });
  return { name, ok: false, detail: `broken ${window}: ${broken.join('; ')}` };
}
