// trace.json: the run in the Chrome trace-event format (JSON object form), which Perfetto and
// chrome://tracing open. One track (thread) per actor — the tiers — inside one process per
// worker thread that ran them on threads (one per tier unless --workers groups them), or one
// process for the simulator, which runs every tier in one thread; the queue occupancies are a
// process of their own. Each actor step that emitted
// check events is a slice (`ph: X`) named by the points it passed, with the events as args.
// Flows (`ph: s/t/f`, bound to their enclosing slice with `bp: e`) follow every page request
// group from the device's raise through every tier to the response reaching the device
// (cat iopf), every IOMMU command — invalidations among them — from queueing to execution
// (cat cmdq), and every PASID drain from its start to its end (cat drain). Every queue's
// occupancy is a counter track (`ph: C`) over the whole run, one value per series interval.
//
// Bounded: slices and flows come from the run's first check events only (the collector's
// trace window, traceEventsMax), said in otherData.window; a flow is written only once it has
// its end inside the window, so every flow start has its end. Times are µs from the run's
// start (scenario time); slices of one track never overlap (a step at the time the previous
// one ended starts just after it).

import { checkQueue, checkQueueOp, queueNames } from '../../protocol/check-events.ts';
import type { CheckEvent } from '../../protocol/messages.ts';
import { describeEvent } from '../../check/describe.ts';
import type { RunMetrics } from '../../check/metrics-collector.ts';
import type { WorkerPlacement } from '../nested-report.ts';

export interface TraceEvent {
  name: string;
  ph: 'X' | 's' | 't' | 'f' | 'C' | 'M';
  ts?: number;
  dur?: number;
  pid: number;
  tid?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, unknown>;
}

/** Width of a step's slice (µs): thin, so slices of one track do not overlap at the simulator's 1 µs hops. */
const sliceUs = 0.02;
/** Events listed in a slice's args. */
const argsEventsMax = 8;

const pointName = (ev: CheckEvent): string => {
  switch (ev.type) {
    case 'chk.queue':
      return `queue ${queueNames[ev.queue] ?? ev.queue} ${['accept', 'enqueue', 'drop', 'dequeue', 'move'][ev.op] ?? ev.op}`;
    default:
      return ev.type.slice(4);
  }
};

const ghostOf = (ev: CheckEvent): number => ('ghost' in ev && typeof ev.ghost === 'number' ? ev.ghost : 0);

interface Slice {
  pid: number;
  tid: number;
  ts: number;
  events: CheckEvent[];
}

interface Flow {
  cat: string;
  name: string;
  id: number;
  /** Slices it passes, in order. */
  at: Slice[];
  ended: boolean;
}

export function traceJson(m: RunMetrics, meta: Record<string, unknown>, placement: readonly WorkerPlacement[] | null = null): TraceFile {
  const w = m.traceWindow;
  const events = w?.events ?? [];
  const names = w?.actorNames ?? [];
  const title = `faultline ${String(meta.scenario ?? '')}`;
  const workerOf = new Map((placement ?? []).map((p) => [p.actor, p.worker]));
  const workers = [...new Set(workerOf.values())].sort((a, b) => a - b);
  // pid 1…: the simulator's one thread, or each worker; the counters get the next pid.
  const pidOfActor = (actor: number): number => (placement === null ? 1 : 1 + workers.indexOf(workerOf.get(names[actor] ?? '') ?? -1));
  const countersPid = placement === null ? 2 : workers.length + 1;
  const out: TraceEvent[] = [];
  if (placement === null) out.push({ name: 'process_name', ph: 'M', pid: 1, args: { name: `${title} (simulator: every tier in one thread)` } });
  for (const [i, wk] of workers.entries()) {
    const tiers = (placement ?? []).filter((p) => p.worker === wk).map((p) => p.actor);
    out.push({ name: 'process_name', ph: 'M', pid: i + 1, args: { name: `${title} worker ${wk}: ${tiers.join(', ')}` } });
  }
  out.push({ name: 'process_name', ph: 'M', pid: countersPid, args: { name: `${title} queue occupancy` } });
  const tids = new Map<number, number>();
  const tidOf = (actor: number): number => actor + 1;

  // Steps → slices: consecutive events of one actor at one time.
  const slices: Slice[] = [];
  const lastEndUs = new Map<number, number>();
  let cur: Slice | null = null;
  let curT = -1;
  let curActor = -2;
  for (const [t, actor, ev] of events) {
    if (cur === null || t !== curT || actor !== curActor) {
      const tid = tidOf(actor);
      const ts = Math.max(t / 1000, lastEndUs.get(tid) ?? 0);
      lastEndUs.set(tid, ts + sliceUs);
      cur = { pid: pidOfActor(actor), tid, ts, events: [] };
      slices.push(cur);
      tids.set(tid, cur.pid);
      curT = t;
      curActor = actor;
    }
    cur.events.push(ev);
  }

  // Flows: groups by ghost, commands FIFO, drains by (rid, pasid, gen).
  const flows: Flow[] = [];
  const groups = new Map<number, Flow>();
  const commands: Flow[] = [];
  const drains = new Map<string, Flow>();
  let cmdId = 0;
  let drainId = 0;
  const step = (f: Flow, s: Slice): void => {
    if (f.at[f.at.length - 1] !== s) f.at.push(s);
  };
  for (const s of slices) {
    for (const ev of s.events) {
      if (ev.type === 'chk.queue' && ev.queue === checkQueue.cmdq) {
        if (ev.op === checkQueueOp.enqueue) {
          const f: Flow = { cat: 'cmdq', name: 'command', id: ++cmdId, at: [s], ended: false };
          commands.push(f);
          flows.push(f);
        } else if (ev.op === checkQueueOp.dequeue) {
          const f = commands.shift();
          if (f) {
            step(f, s);
            f.ended = true;
          }
        }
        continue;
      }
      if (ev.type === 'chk.drainStart' || ev.type === 'chk.drainDone') {
        const key = `${ev.rid}/${ev.pasid}/${ev.gen}`;
        if (ev.type === 'chk.drainStart') {
          const f: Flow = { cat: 'drain', name: 'drain', id: ++drainId, at: [s], ended: false };
          drains.set(key, f);
          flows.push(f);
        } else {
          const f = drains.get(key);
          if (f) {
            step(f, s);
            f.ended = true;
            drains.delete(key);
          }
        }
        continue;
      }
      const ghost = ghostOf(ev);
      if (ghost === 0) continue;
      let f = groups.get(ghost);
      if (f === undefined) {
        if (ev.type !== 'chk.raise') continue;
        groups.set(ghost, (f = { cat: 'iopf', name: 'group', id: ghost, at: [], ended: false }));
        flows.push(f);
      }
      step(f, s);
      if (ev.type === 'chk.respDelivered' || (ev.type === 'chk.retire' && ev.layer === 0)) {
        f.ended = true;
        groups.delete(ghost);
      }
    }
  }

  for (const s of slices) {
    const kinds = [...new Set(s.events.map(pointName))];
    out.push({
      name: kinds.slice(0, 3).join(', ') + (kinds.length > 3 ? ', …' : ''),
      ph: 'X',
      ts: s.ts,
      dur: sliceUs,
      pid: s.pid,
      tid: s.tid,
      cat: 'step',
      args: { events: s.events.slice(0, argsEventsMax).map(describeEvent), ...(s.events.length > argsEventsMax ? { more: s.events.length - argsEventsMax } : {}) },
    });
  }
  let flowsWritten = 0;
  for (const f of flows) {
    if (!f.ended || f.at.length < 2) continue;
    flowsWritten++;
    f.at.forEach((s, i) => {
      const ph = i === 0 ? 's' : i === f.at.length - 1 ? 'f' : 't';
      out.push({ name: f.name, cat: f.cat, ph, id: f.id, ts: s.ts + sliceUs / 2, pid: s.pid, tid: s.tid, ...(ph === 'f' ? { bp: 'e' as const } : {}) });
    });
  }

  // Counter tracks: every queue's occupancy over the whole run.
  for (const q of m.queues) {
    q.series.meanItems.forEach((v, i) => {
      out.push({ name: `occupancy ${q.queue}`, ph: 'C', ts: (i * m.intervalNs) / 1000, pid: countersPid, args: { mean: v, max: q.series.maxItems[i] ?? 0 } });
    });
  }
  for (const [tid, tpid] of [...tids].sort((a, b) => a[0] - b[0])) {
    out.push({ name: 'thread_name', ph: 'M', pid: tpid, tid, args: { name: names[tid - 1] ?? `actor ${tid - 1}` } });
  }

  const meta0 = out.filter((e) => e.ph === 'M');
  const timed = out.filter((e) => e.ph !== 'M').sort((a, b) => a.ts! - b.ts!);
  const windowEndNs = events.length > 0 ? events[events.length - 1]![0] : 0;
  return {
    traceEvents: [...meta0, ...timed],
    displayTimeUnit: 'ns',
    otherData: {
      ...meta,
      window: {
        what: "slices and flows from the run's first check events only; counters cover the whole run",
        eventsInWindow: events.length,
        eventsInRun: w?.eventsTotal ?? 0,
        windowEndNs,
        runEndNs: m.endNs,
        flows: flowsWritten,
        flowsNotWritten: flows.length - flowsWritten,
        flowsNotWrittenWhy: 'not ended inside the window, or begun and ended in one step (a command executed as it was queued)',
      },
      counterIntervalNs: m.intervalNs,
    },
  };
}
