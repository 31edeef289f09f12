// The online checker: takes the check events of a run in one total order (the simulator's
// steps; on threads the shared sequence number), hands each to the invariant monitors that
// read its type, then updates the shared group table and the causal chains. Each event type
// has its route, one case of Checker.monitorsAndTable: the handlers of the monitors that read
// it (in the fixed monitor order), each a call site of its own that sees one function and one
// event shape, and the group's record looked up once for the table and every monitor that
// reads it (issue 9: a loop over the monitors was a megamorphic call per monitor and event,
// and each monitor tested the type and looked the group up again). At the end it runs each
// monitor's sweep and returns the verdict per invariant with the violations found, each
// carrying the ghosts involved and their recent events. It holds only live state, so a long
// run is judged in bounded memory.

import type { CheckEvent } from '../protocol/messages.ts';
import { Chains, type Stamped } from './chains.ts';
import { describeEvent } from './describe.ts';
import { EventBatch } from './event-batch.ts';
import { GroupTable } from './group-table.ts';
import { type ExactlyOnceMonitor, exactlyOnceMonitor } from './monitors/i1-exactly-once.ts';
import { type StaleResponseMonitor, staleResponseMonitor } from './monitors/i2-stale-response.ts';
import { type TranslationMonitor, translationMonitor } from './monitors/i3-translation.ts';
import { type ConservationMonitor, conservationMonitor, type QueueTotals } from './monitors/i4-conservation.ts';
import { type DrainMonitor, drainMonitor } from './monitors/i5-drain.ts';
import { type GroupOrderMonitor, groupOrderMonitor } from './monitors/i6-group-order.ts';
import { type PasidReuseMonitor, pasidReuseMonitor } from './monitors/i7-pasid-reuse.ts';
import { type LivenessMonitor, livenessMonitor } from './monitors/i8-liveness.ts';
import { MetricsCollector, type MetricsOptions } from './metrics-collector.ts';
import { checkEventSpecs, checkQueue, checkQueueOp } from '../protocol/check-events.ts';
import { routeSlot, routeSlotsChecked, slot, type CheckEventType } from './route-slot.ts';
import {
  invariantNames,
  notYetChecked,
  type ChainEntry,
  type CheckEventOf,
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
   * Keep each group's and page's last events for a violation's causal chain (default true). Off,
   * a violation carries an empty chain and the rest of the result is the same: for a runtime that
   * can run a violating run again with them (the simulator, nested-run.ts). Keeping them is about
   * a tenth of a simulator run with the checker on (issue 9), and only a violation reads them, so
   * off, judging skips all the work only they need (the intended group's lookup at a delivered
   * response, an invalidation's page loop, the liveness test at a retirement).
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

/** Per route slot: whether events of that type name a group (a `ghost` field). */
function namingGhost(): boolean[] {
  routeSlotsChecked();
  const names: boolean[] = [];
  for (const [type, spec] of Object.entries(checkEventSpecs) as [CheckEventType, { fields: object }][]) names[routeSlot(type)] = 'ghost' in spec.fields;
  for (let i = 0; i < names.length; i++) names[i] ??= false;
  return names;
}

export class Checker {
  readonly table: GroupTable;
  readonly queueTotals: QueueTotals[] = [];
  /** null: no causal chains kept (CheckerOptions.chains false); judging then skips everything only they read. */
  private readonly chains: Chains | null;
  private readonly monitors: Monitor[];
  /** The monitors in their fixed order, each in its own field for its own call sites in monitorsAndTable(). */
  private readonly i1: ExactlyOnceMonitor;
  private readonly i2: StaleResponseMonitor;
  private readonly i3: TranslationMonitor;
  private readonly i4: ConservationMonitor;
  private readonly i5: DrainMonitor;
  private readonly i6: GroupOrderMonitor;
  private readonly i7: PasidReuseMonitor;
  private readonly i8: LivenessMonitor;
  /** Per route slot: whether the type names a group. */
  private readonly namesGhost = namingGhost();
  /** From the first liveness plan on, I8 reads every event the monitors see (each event's time is its bound's clock). */
  private i8ReadsAll = false;
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
    this.chains = options.chains === false ? null : new Chains();
    this.actorNames = options.actorNames ?? [];
    this.keepPerInvariant = options.keepPerInvariant ?? 5;
    this.metrics = options.metrics === false ? null : new MetricsCollector(options.metrics, this.actorNames);
    this.env = { table: this.table, violate: (inv, message, ghosts, page) => this.violate(inv, message, ghosts, page) };
    const env = this.env;
    this.monitors = [
      (this.i1 = exactlyOnceMonitor(env)),
      (this.i2 = staleResponseMonitor(env)),
      (this.i3 = translationMonitor(env)),
      (this.i4 = conservationMonitor(env, this.queueTotals)),
      (this.i5 = drainMonitor(env)),
      (this.i6 = groupOrderMonitor(env)),
      (this.i7 = pasidReuseMonitor(env)),
      (this.i8 = livenessMonitor(env)),
    ];
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
    const chains = this.chains;
    // One loop per mode, each judge small enough to be inlined into its own.
    if (chains === null) for (let i = 0; i < n; i++) this.judge(b.take(i), timesNs[i]!);
    else for (let i = 0; i < n; i++) this.judgeKeepingChains(chains, b.take(i), seqs[i]!, timesNs[i]!, actors[i]!);
  }

  /** An event's judging without causal chains: what is left is what the monitors and the table need. */
  private judge(ev: CheckEvent, timeNs: number): void {
    this.count++;
    // The type is read once here (a megamorphic load: fourteen event shapes); its slot goes on.
    const type = routeSlot(ev.type);
    if (type === slot.queue && measuredOnly(ev as CheckEvent & { type: 'chk.queue' })) return;
    if (type === slot.liveness) this.i8ReadsAll = true;
    this.monitorsAndTable(type, ev, timeNs);
  }

  /** judge(), the event also kept in the causal slices of its group, its page or pages, and the group a delivered response was meant for. */
  private judgeKeepingChains(chains: Chains, ev: CheckEvent, seq: number, timeNs: number, actor: number): void {
    this.count++;
    const type = routeSlot(ev.type);
    if (type === slot.queue && measuredOnly(ev as CheckEvent & { type: 'chk.queue' })) return;
    if (type === slot.liveness) this.i8ReadsAll = true;
    const ghost = this.namesGhost[type] ? (ev as { ghost: number }).ghost : 0;
    if (type === slot.xlateUsed) {
      const x = ev as CheckEvent & { type: 'chk.xlateUsed' };
      chains.addPage(x.asid, x.page, this.count, seq, timeNs, actor, ev, type);
    } else if (type === slot.invDone && (ev as CheckEvent & { type: 'chk.invDone' }).pages <= invDonePagesSliced) {
      const d = ev as CheckEvent & { type: 'chk.invDone' };
      for (let p = 0; p < d.pages; p++) chains.addPage(d.asid, d.firstPage + p, this.count, seq, timeNs, actor, ev, type);
    } else chains.add(ghost, this.count, seq, timeNs, actor, ev, type);
    if (type === slot.respDelivered) {
      // The device cannot name the group a response was meant for; the group it was sent for can (before the table forgets it).
      const r = ev as CheckEvent & { type: 'chk.respDelivered' };
      const meant = this.table.peekIntended(r.rid, r.prgi);
      if (meant !== undefined && meant !== ghost) chains.add(meant, this.count, seq, timeNs, actor, ev, type);
    }
    this.monitorsAndTable(type, ev, timeNs);
    if (type === slot.respDelivered && ghost !== 0) chains.retire(ghost);
    else if (type === slot.retire && !this.table.isLive(ghost)) chains.retire(ghost);
  }

  /**
   * The route of the event's type: the handlers of the monitors that read it, in the fixed
   * monitor order, then the group table's update (the monitors compare against the state before).
   */
  private monitorsAndTable(type: number, ev: CheckEvent, timeNs: number): void {
    const t = this.table;
    switch (type) {
      case slot.queue:
        this.i4.queue(ev as CheckEventOf<'chk.queue'>);
        break;
      case slot.respond: {
        const e = ev as CheckEventOf<'chk.respond'>;
        const g = t.slotOf(e.ghost);
        this.i1.respond(e, g);
        this.i2.respond(e, g);
        this.i5.respondOrRetire(e);
        this.i7.respond(e, g);
        this.i8.respondOrRetire(e, timeNs);
        t.respond(e, g);
        return;
      }
      case slot.reqSeen: {
        const e = ev as CheckEventOf<'chk.reqSeen'>;
        this.i6.reqSeen(e, t.slotOf(e.ghost));
        break;
      }
      case slot.deliver: {
        const e = ev as CheckEventOf<'chk.deliver'>;
        this.i5.deliver(e);
        this.i6.deliver(e);
        this.i7.deliver(e);
        this.i8.deliver(e, timeNs);
        return;
      }
      case slot.raise: {
        const e = ev as CheckEventOf<'chk.raise'>;
        this.i7.raise(e);
        if (this.i8ReadsAll) this.i8.other(ev, timeNs);
        t.raise(e, timeNs);
        return;
      }
      case slot.respDelivered: {
        const e = ev as CheckEventOf<'chk.respDelivered'>;
        const intended = t.peekIntended(e.rid, e.prgi);
        this.i1.respDelivered(e, intended);
        this.i2.respDelivered(e, intended);
        this.i6.respDelivered(e);
        if (this.i8ReadsAll) this.i8.other(ev, timeNs);
        t.respDelivered(e);
        return;
      }
      case slot.xlateUsed:
        this.i3.xlateUsed(ev as CheckEventOf<'chk.xlateUsed'>);
        break;
      case slot.retire: {
        const e = ev as CheckEventOf<'chk.retire'>;
        const g = t.slotOf(e.ghost);
        this.i5.respondOrRetire(e);
        this.i6.retire(e, g);
        this.i8.respondOrRetire(e, timeNs);
        t.retire(e);
        return;
      }
      case slot.invDone:
        this.i3.invDone(ev as CheckEventOf<'chk.invDone'>);
        break;
      case slot.drainStart:
        this.i5.drainStart(ev as CheckEventOf<'chk.drainStart'>);
        break;
      case slot.drainDone:
        this.i5.drainDone(ev as CheckEventOf<'chk.drainDone'>);
        break;
      case slot.pasidBind: {
        const e = ev as CheckEventOf<'chk.pasidBind'>;
        this.i5.pasidBind(e);
        this.i7.pasidBind(e);
        break;
      }
      case slot.liveness:
        this.i8.liveness(ev as CheckEventOf<'chk.liveness'>);
        return;
      default:
    }
    // A type I8 does not read (and that leaves the table as it is).
    if (this.i8ReadsAll) this.i8.other(ev, timeNs);
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
      ...(this.chains === null && this.violations.length > 0 ? { chainsKept: false as const } : {}),
    };
  }

  private violate(invariant: InvariantId, message: string, ghosts: number[], page?: SlicePage): void {
    const n = (this.failed.get(invariant) ?? 0) + 1;
    this.failed.set(invariant, n);
    if (n > this.keepPerInvariant) {
      this.dropped++;
      return;
    }
    this.violations.push({ invariant, message, ghosts, chain: this.chains?.chainOf(ghosts, (s) => this.render(s), page) ?? [] });
  }

  private render(s: Stamped): ChainEntry {
    return { seq: s.seq, timeNs: s.timeNs, actor: this.actorNames[s.actor] ?? `actor ${s.actor}`, text: describeEvent(s.event) };
  }
}
