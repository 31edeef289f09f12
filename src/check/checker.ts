// The online checker: takes the check events of a run in one total order (the simulator's
// steps; on threads the shared sequence number), hands each to every invariant monitor, then
// updates the shared group table and the causal chains. Each event type has its route, made
// once: the monitors that read it (in the fixed monitor order) and whether it names a group,
// so the per-event path runs no type test per monitor, and each monitor has its own call site
// (issue 9). At the end it runs each monitor's sweep and returns the verdict per invariant
// with the violations found, each carrying the ghosts involved and their recent events. It
// holds only live state, so a long run is judged in bounded memory.

import type { CheckEvent } from '../protocol/messages.ts';
import { Chains, type Stamped } from './chains.ts';
import { NoChains } from './no-chains.ts';
import { describeEvent } from './describe.ts';
import { EventBatch } from './event-batch.ts';
import { GroupTable } from './group-table.ts';
import { exactlyOnceMonitor } from './monitors/i1-exactly-once.ts';
import { staleResponseMonitor } from './monitors/i2-stale-response.ts';
import { translationMonitor } from './monitors/i3-translation.ts';
import { conservationMonitor, type QueueTotals } from './monitors/i4-conservation.ts';
import { drainMonitor } from './monitors/i5-drain.ts';
import { groupOrderMonitor } from './monitors/i6-group-order.ts';
import { pasidReuseMonitor } from './monitors/i7-pasid-reuse.ts';
import { livenessMonitor } from './monitors/i8-liveness.ts';
import { MetricsCollector, type MetricsOptions } from './metrics-collector.ts';
import { checkEventSpecs, checkQueue, checkQueueOp } from '../protocol/check-events.ts';
import { routeSlot, routeSlotsChecked, slot, type CheckEventType } from './route-slot.ts';
import {
  invariantNames,
  notYetChecked,
  type ChainEntry,
  type CheckerResult,
  type InvariantId,
  type InvariantVerdict,
  type Monitor,
  type MonitorEnv,
  type RunEnd,
  type SlicePage,
  type Violation,
} from './types.ts';

export interface CheckerOptions {
  /** Actor names by index, for chains. */
  actorNames?: readonly string[];
  /** Violations kept per invariant; further ones are only counted. */
  keepPerInvariant?: number;
  /** The run's metrics from the same events (metrics-collector.ts); false turns them off. Default on. */
  metrics?: MetricsOptions | false;
  /** Finished groups the group table keeps recognising (a late duplicate response); default 65 536. */
  finishedGroupsMax?: number;
  /**
   * Keep each group's and page's last events for a violation's causal chain (default true). Off
   * (no-chains.ts), a violation carries an empty chain and the rest of the result is the same: for
   * a runtime that can run a violating run again with them (the simulator, nested-run.ts).
   */
  chains?: boolean;
}

/** A completed invalidation of at most this many pages goes into each page's causal slice; a wider one into the loose ring. */
const invDonePagesSliced = 64;
/**
 * Events are judged in batches, not as they come: interleaved one at a time with a simulator's
 * own work the same judging costs ~1.4x what it costs in a loop of its own (most likely the
 * checker's code leaving the caches between events; bench/results/issue9-pass6-chk3.md). 8192
 * events are ~370 nested faults, and hold ~200 KB of stamps and ~400 KB of young events.
 */
const eventBatchCapacity = 8192;

/** Events only the metrics use (the command queue, PRI credits, device backlogs, fault fd reads): the monitors and chains never see them. */
function measuredOnly(ev: CheckEvent & { type: 'chk.queue' }): boolean {
  return ev.queue === checkQueue.cmdq || ev.queue === checkQueue.priCredits || ev.queue === checkQueue.deviceBacklog || ev.op === checkQueueOp.move;
}

/**
 * What the checker does with one event type: the monitors that read it, as a bit per monitor in
 * the fixed monitor order, and whether it names a group. Each monitor then has its own call site
 * in Checker.event, which sees one function and can inline it, instead of one call site looping
 * over all eight (a megamorphic call per monitor and event: issue 9).
 */
interface Route {
  monitorMask: number;
  hasGhost: boolean;
}

function routesFor(monitors: readonly Monitor[]): Route[] {
  routeSlotsChecked();
  const routes: Route[] = [];
  for (const [type, spec] of Object.entries(checkEventSpecs) as [CheckEventType, { fields: object }][]) {
    let monitorMask = 0;
    monitors.forEach((m, i) => {
      if (m.reads === undefined || m.reads.includes(type)) monitorMask |= 1 << i;
    });
    routes[routeSlot(type)] = { monitorMask, hasGhost: 'ghost' in spec.fields };
  }
  for (let i = 0; i < routes.length; i++) routes[i] ??= { monitorMask: 0, hasGhost: false };
  return routes;
}

/** Per route slot: the monitors (bits) that read every event from the first event of that type on (Monitor.readsAllAfter). */
function wideningsFor(monitors: readonly Monitor[], slots: number): number[] {
  const widen = new Array<number>(slots).fill(0);
  monitors.forEach((m, i) => {
    if (m.readsAllAfter !== undefined) widen[routeSlot(m.readsAllAfter)]! |= 1 << i;
  });
  return widen;
}

export class Checker {
  readonly table: GroupTable;
  readonly queueTotals: QueueTotals[] = [];
  private readonly chains: Chains | NoChains;
  private readonly monitors: Monitor[];
  /** The monitors in their fixed order, each in its own field for its own call site in event(). */
  private readonly i1: Monitor;
  private readonly i2: Monitor;
  private readonly i3: Monitor;
  private readonly i4: Monitor;
  private readonly i5: Monitor;
  private readonly i6: Monitor;
  private readonly i7: Monitor;
  private readonly i8: Monitor;
  private readonly routes: Route[];
  /** Per route slot: monitors to hand every event once one of that type is seen (0: none; cleared once done). */
  private readonly widenings: number[];
  private readonly violations: Violation[] = [];
  private readonly failed = new Map<InvariantId, number>();
  private readonly env: MonitorEnv;
  private readonly actorNames: readonly string[];
  private readonly keepPerInvariant: number;
  private readonly metrics: MetricsCollector | null;
  private readonly batch = new EventBatch(eventBatchCapacity);
  private count = 0;
  private dropped = 0;

  constructor(options: CheckerOptions = {}) {
    this.table = new GroupTable(options.finishedGroupsMax);
    this.chains = options.chains === false ? new NoChains() : new Chains();
    this.actorNames = options.actorNames ?? [];
    this.keepPerInvariant = options.keepPerInvariant ?? 5;
    this.metrics = options.metrics === false ? null : new MetricsCollector(options.metrics, this.actorNames);
    this.monitors = [
      (this.i1 = exactlyOnceMonitor()),
      (this.i2 = staleResponseMonitor()),
      (this.i3 = translationMonitor()),
      (this.i4 = conservationMonitor(this.queueTotals)),
      (this.i5 = drainMonitor()),
      (this.i6 = groupOrderMonitor()),
      (this.i7 = pasidReuseMonitor()),
      (this.i8 = livenessMonitor()),
    ];
    this.routes = routesFor(this.monitors);
    this.widenings = wideningsFor(this.monitors, this.routes.length);
    this.env = { table: this.table, violate: (inv, message, ghosts, page) => this.violate(inv, message, ghosts, page) };
  }

  get events(): number {
    this.flush();
    return this.count;
  }

  /** Per-group records the checker allocated (group table, metrics); the rest were reused. A work counter, for the tests. */
  get recordsMade(): number {
    this.flush();
    return this.table.recordsMade + (this.metrics?.recordsMade ?? 0);
  }

  /**
   * One event, in history order: `seq` its stamp (simulator step, threads' sequence number), `timeNs` virtual time (-1 if none), `actor` its actor index.
   * Judged when its batch fills or at the latest by finish(): the emitter must not change the event after handing it over.
   */
  event(ev: CheckEvent, seq: number, timeNs: number, actor: number): void {
    if (this.batch.push(ev, seq, timeNs, actor)) this.flush();
  }

  /** Judges the batched events in order and empties the batch. */
  private flush(): void {
    const b = this.batch;
    const n = b.length;
    const { seqs, timesNs, actors } = b;
    b.length = 0;
    this.metrics?.batch(b.events, timesNs, actors, n);
    for (let i = 0; i < n; i++) this.judge(b.take(i), seqs[i]!, timesNs[i]!, actors[i]!);
  }

  private judge(ev: CheckEvent, seq: number, timeNs: number, actor: number): void {
    this.count++;
    // The type is read once here (a megamorphic load: fourteen event shapes); its slot goes on.
    const type = routeSlot(ev.type);
    if (type === slot.queue && measuredOnly(ev as CheckEvent & { type: 'chk.queue' })) return;
    if (this.widenings[type] !== 0) this.widen(type);
    const route = this.routes[type]!;
    const ghost = route.hasGhost ? (ev as { ghost: number }).ghost : 0;
    if (type === slot.xlateUsed) {
      const x = ev as CheckEvent & { type: 'chk.xlateUsed' };
      this.chains.addPage(x.asid, x.page, this.count, seq, timeNs, actor, ev, type);
    } else if (type === slot.invDone && (ev as CheckEvent & { type: 'chk.invDone' }).pages <= invDonePagesSliced) {
      const d = ev as CheckEvent & { type: 'chk.invDone' };
      for (let p = 0; p < d.pages; p++) this.chains.addPage(d.asid, d.firstPage + p, this.count, seq, timeNs, actor, ev, type);
    } else this.chains.add(ghost, this.count, seq, timeNs, actor, ev, type);
    if (type === slot.respDelivered) {
      // The device cannot name the group a response was meant for; the group it was sent for can.
      const r = ev as CheckEvent & { type: 'chk.respDelivered' };
      const meant = this.table.peekIntended(r.rid, r.prgi);
      if (meant !== undefined && meant !== ghost) this.chains.add(meant, this.count, seq, timeNs, actor, ev, type);
    }
    const mask = route.monitorMask;
    const env = this.env;
    if ((mask & 1) !== 0) this.i1.event(ev, env, timeNs);
    if ((mask & 2) !== 0) this.i2.event(ev, env, timeNs);
    if ((mask & 4) !== 0) this.i3.event(ev, env, timeNs);
    if ((mask & 8) !== 0) this.i4.event(ev, env, timeNs);
    if ((mask & 16) !== 0) this.i5.event(ev, env, timeNs);
    if ((mask & 32) !== 0) this.i6.event(ev, env, timeNs);
    if ((mask & 64) !== 0) this.i7.event(ev, env, timeNs);
    if ((mask & 128) !== 0) this.i8.event(ev, env, timeNs);
    this.table.apply(ev, timeNs);
    if (type === slot.respDelivered && ghost !== 0) this.chains.retire(ghost);
    else if (type === slot.retire && !this.table.isLive(ghost)) this.chains.retire(ghost);
  }

  /** The monitors waiting for an event of this type read every event from now on. */
  private widen(type: number): void {
    const mask = this.widenings[type]!;
    for (const route of this.routes) route.monitorMask |= mask;
    this.widenings[type] = 0;
  }

  finish(end: RunEnd): CheckerResult {
    this.flush();
    for (const m of this.monitors) m.finish(end, this.env);
    const byId = new Map(this.monitors.map((m) => [m.invariant, m]));
    const invariants: InvariantVerdict[] = (Object.keys(invariantNames) as InvariantId[]).map((id) => {
      const m = byId.get(id);
      const note = m === undefined ? notYetChecked[id] : m.seen?.() === 0 && !this.failed.has(id) ? m.idleNote : undefined;
      const n = this.failed.get(id) ?? 0;
      if (m === undefined || note !== undefined) return { id, name: invariantNames[id], ok: null, violations: n, ...(note ? { note } : {}) };
      const d = m.detail?.();
      const notes = [...(n > 0 ? [`${n} violation(s)`] : []), ...(d ? [d.note] : [])];
      return { id, name: invariantNames[id], ok: n === 0, violations: n, ...(notes.length ? { note: notes.join('; ') } : {}), ...(d?.bound ? { bound: d.bound } : {}) };
    });
    return {
      events: this.count,
      violations: this.violations,
      violationsDropped: this.dropped,
      invariants,
      ...(this.metrics ? { metrics: this.metrics.finish() } : {}),
    };
  }

  private violate(invariant: InvariantId, message: string, ghosts: number[], page?: SlicePage): void {
    const n = (this.failed.get(invariant) ?? 0) + 1;
    this.failed.set(invariant, n);
    if (n > this.keepPerInvariant) {
      this.dropped++;
      return;
    }
    this.violations.push({ invariant, message, ghosts, chain: this.chains.chainOf(ghosts, (s) => this.render(s), page) });
  }

  private render(s: Stamped): ChainEntry {
    return { seq: s.seq, timeNs: s.timeNs, actor: this.actorNames[s.actor] ?? `actor ${s.actor}`, text: describeEvent(s.event) };
  }
}
