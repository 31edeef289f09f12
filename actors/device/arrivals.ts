// Open-loop arrival streams (workload.arrival): when accesses arrive at the device, whatever
// the state of its slots. One stream per address space (per: space) or per device function
// (per: function: each arrival goes to one of the function's spaces, uniformly at random, so
// each space sees a thinned stream at rate / spaces), or one stream of trace rows for the
// whole tier. A stream starts when its function's workload starts (start.ts: at sys.start, or
// on the first PRI enable of a PRI function); the trace's times are run times, so its stream
// starts at sys.start and rows of a function not yet enabled wait in the backlog.
//
// Each stream has one timer outstanding, for its next arrival. Arrival times are kept as
// exact real numbers and each timer is set for the next one rounded to the ns, so rounding
// never accumulates: the count over a run matches the rate. Poisson: exponential gaps.
// Constant: 1e9 / ratePerSec apart; stream i of n starts (i + 1) / n of a period in, so the
// spaces do not all arrive in the same ns. On/off (two-state Markov-modulated Poisson): the
// stream starts on with the stationary probability onMean / (onMean + offMean); periods are
// exponential; while on, Poisson gaps; a gap that crosses the period's end is discarded and
// drawn again from there (exact, the exponential being memoryless), so off periods are
// skipped inside one step and need no timer. A stream stops at durationNs or once it
// generated workload.accessesMax arrivals (0: no limit). Every draw comes from ctx.rng.

import type { ActorCtx } from '../../src/actor/define.ts';
import { quantile } from '../../src/util/distribution.ts';
import type { Rng } from '../../src/util/rng.ts';
import { arrive } from './backlog.ts';
import type { DeviceActorConfig, DeviceState } from './device-state.ts';
import { workloadReady } from './start.ts';
import { nextAccess } from './workload.ts';

export interface ArrivalStream {
  /** Address spaces (indexes) this stream feeds. */
  spaceIdxs: number[];
  /** The function whose workload start starts the stream (-1: the trace, started at sys.start). */
  fnIdx: number;
  started: boolean;
  stopped: boolean;
  generated: number;
  /** Exact time of the next arrival (ns, fractional). */
  nextAtNs: number;
  /** On/off: in the on state, and when the current period ends. */
  on: boolean;
  periodEndNs: number;
  /** Trace: the next row to replay. */
  row: number;
}

export function createStreams(cfg: DeviceActorConfig, spaces: { fnIdx: number }[]): ArrivalStream[] {
  const a = cfg.workload.arrival;
  if (a === undefined || a.process === 'closed') return [];
  const blank = { started: false, stopped: false, generated: 0, nextAtNs: 0, on: true, periodEndNs: 0, row: 0 };
  if (a.process === 'trace') return [{ ...blank, spaceIdxs: spaces.map((_, i) => i), fnIdx: -1 }];
  if (a.per === 'space') return spaces.map((sp, i) => ({ ...blank, spaceIdxs: [i], fnIdx: sp.fnIdx }));
  return cfg.functions.map((_, fnIdx) => ({ ...blank, spaceIdxs: spaces.flatMap((sp, i) => (sp.fnIdx === fnIdx ? [i] : [])), fnIdx })).filter((st) => st.spaceIdxs.length > 0);
}

/** Start the streams of function `fnIdx` (every function's when null; the trace's only then). */
export function startStreams(s: DeviceState, ctx: ActorCtx, fnIdx: number | null): void {
  s.streams.forEach((st, i) => {
    if (st.started || (fnIdx !== null && st.fnIdx !== fnIdx) || (fnIdx === null && st.fnIdx >= 0 && !workloadReady(s, st.fnIdx))) return;
    st.started = true;
    firstArrival(s, ctx, i);
  });
}

/** device.arrival: the stream's next arrival is due. */
export function onArrivalTimer(s: DeviceState, ctx: ActorCtx, streamIdx: number): void {
  const st = s.streams[streamIdx]!;
  const a = s.cfg.workload.arrival!;
  if (a.process === 'trace') {
    const now = ctx.now();
    while (st.row < a.rows.length && a.rows[st.row]!.timeNs <= now) {
      const r = a.rows[st.row++]!;
      st.generated++;
      arrive(s, ctx, spaceOfAsid(s, ctx, r.asid), r.page, r.write);
    }
    scheduleTraceRow(s, ctx, streamIdx);
    return;
  }
  st.generated++;
  const spaceIdx = st.spaceIdxs.length === 1 ? st.spaceIdxs[0]! : st.spaceIdxs[ctx.rng.int(st.spaceIdxs.length)]!;
  const { page, write } = nextAccess(s.cfg.workload, s.spaces[spaceIdx]!, ctx.rng, s.zipf);
  arrive(s, ctx, spaceIdx, page, write);
  st.nextAtNs = after(s, ctx, st, st.nextAtNs);
  schedule(s, ctx, streamIdx);
}

function firstArrival(s: DeviceState, ctx: ActorCtx, streamIdx: number): void {
  const st = s.streams[streamIdx]!;
  const a = s.cfg.workload.arrival!;
  const now = ctx.now();
  switch (a.process) {
    case 'trace':
      scheduleTraceRow(s, ctx, streamIdx);
      return;
    case 'constant':
      st.nextAtNs = now + (periodNs(a.ratePerSec) * (streamIdx + 1)) / s.streams.length;
      break;
    case 'onoff':
      st.on = ctx.rng.chance(a.onMeanNs / (a.onMeanNs + a.offMeanNs));
      st.periodEndNs = now + exponential(st.on ? a.onMeanNs : a.offMeanNs, ctx.rng);
      st.nextAtNs = after(s, ctx, st, now);
      break;
    default:
      st.nextAtNs = after(s, ctx, st, now);
  }
  schedule(s, ctx, streamIdx);
}

/** The arrival after one at `fromNs` (exact). */
function after(s: DeviceState, ctx: ActorCtx, st: ArrivalStream, fromNs: number): number {
  const rng = ctx.rng;
  const a = s.cfg.workload.arrival!;
  switch (a.process) {
    case 'poisson':
      return fromNs + exponential(periodNs(a.ratePerSec), rng);
    case 'constant':
      return fromNs + periodNs(a.ratePerSec);
    case 'onoff': {
      let t = fromNs;
      const stopAt = s.cfg.workload.durationNs > 0 ? s.cfg.workload.durationNs : Infinity;
      for (;;) {
        if (st.on) {
          const next = t + exponential(periodNs(a.ratePerSec), rng);
          if (next < st.periodEndNs) return next;
        }
        // The period ends before the next arrival: switch state and draw again from its end.
        t = st.periodEndNs;
        if (t >= stopAt) return t;
        st.on = !st.on;
        st.periodEndNs = t + exponential(st.on ? a.onMeanNs : a.offMeanNs, rng);
      }
    }
    default:
      return ctx.fail('FAULTLINE_DEVICE_ARRIVAL', `arrival process '${a.process}' has no gaps`);
  }
}

function schedule(s: DeviceState, ctx: ActorCtx, streamIdx: number): void {
  const st = s.streams[streamIdx]!;
  const w = s.cfg.workload;
  const atNs = Math.round(st.nextAtNs);
  if ((w.durationNs > 0 && atNs >= w.durationNs) || (w.accessesMax > 0 && st.generated >= w.accessesMax)) {
    st.stopped = true;
    return;
  }
  ctx.timer(Math.max(0, atNs - ctx.now()), { type: 'device.arrival', stream: streamIdx });
}

function scheduleTraceRow(s: DeviceState, ctx: ActorCtx, streamIdx: number): void {
  const st = s.streams[streamIdx]!;
  const a = s.cfg.workload.arrival;
  if (a?.process !== 'trace') return;
  const w = s.cfg.workload;
  const row = a.rows[st.row];
  if (row === undefined) {
    st.stopped = true;
    return;
  }
  if ((w.durationNs > 0 && row.timeNs >= w.durationNs) || (w.accessesMax > 0 && st.generated >= w.accessesMax)) {
    st.stopped = true;
    s.c.arrivals.traceRowsNotReplayed += a.rows.length - st.row;
    return;
  }
  ctx.timer(Math.max(0, row.timeNs - ctx.now()), { type: 'device.arrival', stream: streamIdx });
}

function periodNs(ratePerSec: number): number {
  return 1e9 / ratePerSec;
}

/** An exponential gap of the given mean, unrounded (the shared inverse CDF of src/util/distribution.ts). */
function exponential(meanNs: number, rng: Rng): number {
  return quantile({ dist: 'exponential', mean: meanNs }, rng.float());
}

function spaceOfAsid(s: DeviceState, ctx: ActorCtx, asid: number): number {
  const i = s.spaces.findIndex((sp) => sp.cfg.asid === asid);
  return i >= 0 ? i : ctx.fail('FAULTLINE_DEVICE_CONFIG', `trace row for unknown address space ${asid}`);
}
