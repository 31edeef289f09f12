// The simulator's guard rails (issue 12): a progress watchdog in scenario time and a
// wall-clock cap. The threaded runtime reports a stall when nothing steps for a while; in the
// simulator steps never stop in a livelock (timers and retries go on), so progress is
// measured instead: a caller's probe (the nested runs count groups answered and DMA accesses
// ended at the device), or without one, messages taken from channels. When it has not moved
// for `boundNs` of virtual time while some actor still owes work (its pending() > 0, timers
// alone are waiting, not work), the run stops with stopReason 'livelock' and a report naming
// the channels (depth/capacity, sent, refused) and every actor's pending work — the same
// shape as the threaded stall report, and it reaches the checker's I8 verdict the same way.
// The wall-clock cap stops a run that is merely too big for the simulator ('wall-clock-cap').
// Both are looked at every `checkEverySteps` steps and whenever virtual time moves, so they
// cost nothing per step; the wall clock itself is read at every `wallClockEveryLooks`-th look
// only (time moves every two steps or so in a storm, and the cap is minutes, not microseconds).

export interface WatchdogOptions {
  /** Virtual time without progress, while work is outstanding, that is a livelock (ns; Infinity: off). */
  boundNs: number;
  /** Wall-clock time after which the run stops (ms; Infinity: off). */
  wallClockCapMs: number;
}

/** What the watchdog needs to know of the run, read only when it looks. */
export interface WatchdogView {
  nowNs(): number;
  /** A number that changes when the run makes progress. */
  progress(): number;
  /** False only when progress() would return what it returned when last called (true before the first call). */
  progressMayHaveMoved(): boolean;
  /** What progress() counts, for the report ('groups answered or DMA accesses ended', 'messages taken from a channel'). */
  progressName: string;
  /** Whether any actor owes work (timers alone do not count). */
  workOutstanding(): boolean;
}

export type WatchdogVerdict = null | { stopReason: 'livelock' | 'wall-clock-cap'; why: string };

/** Steps between two looks when virtual time does not move. */
export const checkEverySteps = 4096;
/** Default wall-clock cap of a simulator run: generous, a clear stop rather than a run that never ends. */
export const defaultWallClockCapMs = 10 * 60_000;
/** Looks between two readings of the wall clock (a power of two). */
const wallClockEveryLooks = 64;

export class SimWatchdog {
  private readonly o: WatchdogOptions;
  private readonly view: WatchdogView;
  private readonly startMs = performance.now();
  private lastProgress = Number.NaN;
  private lastProgressNs = 0;
  private lastLookNs = -1;
  private looks = 0;

  constructor(o: WatchdogOptions, view: WatchdogView) {
    this.o = o;
    this.view = view;
  }

  /**
   * look() after virtual time moved to `nowNs` (7.7 times a fault in a storm). Its common case,
   * small enough for the runtime's loop to inline: no wall-clock reading due, progress unmoved
   * and the quiet time within the bound, where look() would return null and only note the time.
   */
  lookMoved(nowNs: number): WatchdogVerdict {
    if ((this.looks & (wallClockEveryLooks - 1)) !== 0 && nowNs - this.lastProgressNs <= this.o.boundNs && !this.view.progressMayHaveMoved()) {
      this.looks++;
      this.lastLookNs = nowNs;
      return null;
    }
    return this.look();
  }

  /** Called every checkEverySteps steps and when virtual time moves; non-null: stop the run. */
  look(): WatchdogVerdict {
    const nowNs = this.view.nowNs();
    const wallMs = (this.looks++ & (wallClockEveryLooks - 1)) === 0 ? performance.now() - this.startMs : 0;
    if (wallMs > this.o.wallClockCapMs) {
      return {
        stopReason: 'wall-clock-cap',
        why:
          `the simulator stopped after ${fmtMs(wallMs)} of wall clock (cap ${fmtMs(this.o.wallClockCapMs)}) at ${fmtNs(nowNs)} of scenario time: ` +
          'the scenario is too big for the deterministic runtime at this size; shorten durationMs, or run it on threads',
      };
    }
    if (!Number.isFinite(this.o.boundNs) || nowNs === this.lastLookNs) return null;
    this.lastLookNs = nowNs;
    const p = this.view.progress();
    if (p !== this.lastProgress) {
      this.lastProgress = p;
      this.lastProgressNs = nowNs;
      return null;
    }
    const quietNs = nowNs - this.lastProgressNs;
    if (quietNs <= this.o.boundNs || !this.view.workOutstanding()) return null;
    return {
      stopReason: 'livelock',
      why: `livelock: nothing progressed (${this.view.progressName}) for ${fmtNs(quietNs)} of scenario time (bound ${fmtNs(this.o.boundNs)}) while work was outstanding`,
    };
  }
}

function fmtNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e3).toFixed(1)} µs`;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** The report of a stopped run: why, then channel depths and every actor's pending work (as the threaded stall report). */
export function stopReport(
  why: string,
  channels: readonly { name: string; depth: number; capacity: number; sent: number; refused: number }[],
  actors: readonly { name: string; kind: string; pending: number; timers: number }[],
): string {
  const lines = [why, 'channels (depth/capacity, sent, refused):'];
  for (const c of channels) lines.push(`  ${c.name}: ${c.depth}/${c.capacity}, sent ${c.sent}, refused ${c.refused}`);
  lines.push('actors:');
  for (const a of actors) lines.push(`  ${a.name} (${a.kind}) pending=${a.pending} timers=${a.timers}`);
  return lines.join('\n');
}
