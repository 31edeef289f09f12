// I8's bounded part: the liveness phase after a heal. A scenario with a liveness bound
// announces its plan at start (chk.liveness: heal time H, bound B). From H on, every group
// still outstanding at H, and every group raised after H, must be answered at the device (or
// retired there) within B, counted from max(H, its raise). Judged online: each event's own
// time is the clock, and a group is overdue only when an event later than its deadline
// arrives while the group is still unanswered. On threads events are merged by a shared
// sequence number and stamped by different workers, so times are only roughly ordered; that
// rule never calls a group late on an early stamp, it only judges late ones a little later.
// Memory: one FIFO entry per group outstanding at H or raised in the last B or so (entries
// of answered groups leave when they reach the front); no history of events.

import type { CheckEvent } from '../../protocol/messages.ts';
import type { BoundVerdict, CheckEventOf, MonitorEnv, RunEnd } from '../types.ts';

const listedMax = 8;

/** Durations for messages (the checker does not depend on the report's formatting). */
function fmtDurationNs(ns: number): string {
  if (ns >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

/** A point in run time for messages. */
const fmtAtNs = (ns: number): string => `${+(ns / 1e6).toFixed(3)} ms`;

export interface BoundTracker {
  /** The plan announced (chk.liveness); several announcements: the latest heal rules. */
  plan(ev: CheckEventOf<'chk.liveness'>): void;
  /** Any other event: until a plan is announced it is ignored; after it, its time is the bound's clock. */
  event(ev: CheckEvent, env: MonitorEnv, timeNs: number): void;
  finish(end: RunEnd, env: MonitorEnv): void;
  /** undefined when the run has no liveness plan. */
  verdict(): { note: string; bound: BoundVerdict } | undefined;
}

export function boundTracker(): BoundTracker {
  let healAtNs = -1;
  let boundNs = 0;
  let armed = false;
  let clockless = false;
  let lastNs = -1;
  let answered = 0;
  let worstNs = 0;
  let overdue = 0;
  // The FIFO of (ghost, deadline) in the order groups came under the bound.
  let ghosts: number[] = [];
  let deadlines: number[] = [];
  let head = 0;

  const push = (ghost: number, deadlineNs: number): void => {
    ghosts.push(ghost);
    deadlines.push(deadlineNs);
  };
  const compact = (): void => {
    if (head < 1024 || head * 2 < ghosts.length) return;
    ghosts = ghosts.slice(head);
    deadlines = deadlines.slice(head);
    head = 0;
  };
  const late = (env: MonitorEnv, ghost: number, deadlineNs: number, nowNs: number, atEnd: boolean): void => {
    overdue++;
    const g = env.table.slotOf(ghost);
    const raisedNs = g >= 0 ? env.table.raisedNs(g) : -1;
    const outstanding = raisedNs >= 0 ? `outstanding for ${fmtDurationNs(nowNs - raisedNs)} (raised at ${fmtAtNs(raisedNs)})` : 'outstanding';
    env.violate(
      'I8',
      `group ${ghost} ${outstanding} is still unanswered ${fmtDurationNs(nowNs - (deadlineNs - boundNs))} after ` +
        `${raisedNs > healAtNs ? 'its raise' : `the heal at ${fmtAtNs(healAtNs)}`}${atEnd ? ' when the run ended' : ''}: ` +
        `past the liveness bound of ${fmtDurationNs(boundNs)}`,
      [ghost],
    );
  };
  const arm = (env: MonitorEnv): void => {
    armed = true;
    for (const ghost of env.table.liveGhosts()) {
      const raisedNs = env.table.raisedNs(env.table.slotOf(ghost));
      push(ghost, Math.max(healAtNs, raisedNs) + boundNs);
    }
  };

  return {
    plan(ev): void {
      if (ev.healAtNs > healAtNs) healAtNs = ev.healAtNs;
      boundNs = ev.boundNs;
    },
    event(ev, env, timeNs): void {
      if (healAtNs < 0) return;
      if (timeNs < 0) {
        clockless = true;
        return;
      }
      if (timeNs > lastNs) lastNs = timeNs;
      if (!armed) {
        if (timeNs < healAtNs) return;
        arm(env);
      }
      const t = env.table;
      if (ev.type === 'chk.respDelivered' && ev.ghost !== 0 && t.isLive(ev.ghost)) {
        const raisedNs = t.raisedNs(t.slotOf(ev.ghost));
        answered++;
        worstNs = Math.max(worstNs, timeNs - Math.max(healAtNs, raisedNs));
      }
      while (head < ghosts.length) {
        const ghost = ghosts[head]!;
        const deadlineNs = deadlines[head]!;
        if (t.isLive(ghost) && timeNs <= deadlineNs) break;
        head++;
        if (t.isLive(ghost)) late(env, ghost, deadlineNs, timeNs, false);
      }
      compact();
      // After the scan: the table applies this raise only after the monitors saw it.
      if (ev.type === 'chk.raise') push(ev.ghost, Math.max(healAtNs, timeNs) + boundNs);
    },
    finish(_end, env): void {
      if (!armed || clockless) return;
      const stuck: number[] = [];
      for (let i = head; i < ghosts.length; i++) {
        if (env.table.isLive(ghosts[i]!) && lastNs > deadlines[i]!) stuck.push(i);
      }
      for (const i of stuck.slice(0, listedMax)) late(env, ghosts[i]!, deadlines[i]!, lastNs, true);
      if (stuck.length > listedMax) env.violate('I8', `${stuck.length - listedMax} more groups were unanswered past the liveness bound when the run ended`, []);
      head = ghosts.length;
    },
    verdict() {
      if (healAtNs < 0) return undefined;
      const judged = armed && !clockless;
      const bound: BoundVerdict = { boundNs, healAtNs, judged, answered, worstNs, overdue };
      const plan = `${fmtDurationNs(boundNs)} after the heal at ${fmtAtNs(healAtNs)}`;
      if (clockless) return { note: `bound of ${plan} not judged: this runtime's check events carry no time`, bound };
      if (!armed) return { note: `bound of ${plan} not judged: the run ended before the heal`, bound };
      if (overdue > 0) return { note: `${overdue} group(s) past the bound of ${plan}`, bound };
      return { note: `every request answered within ${plan}; worst ${fmtDurationNs(worstNs)} (${answered} groups)`, bound };
    },
  };
}
