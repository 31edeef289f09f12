// The simulator's guard rails (issue 12, src/runtime/sim/watchdog.ts): a run that owes work and
// only polls for it stops as a livelock once nothing progressed for the bound of scenario time,
// with a report naming the actors' pending work; waiting on timers with nothing owed is not a
// livelock; the wall-clock cap stops a run with its own stop reason; the nested report turns a
// stopped run into a failed check.

import { describe, expect, it } from 'vitest';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import type { Topology } from '../../src/actor/topology.ts';
import { buildNestedReport } from '../../src/report/nested-report.ts';
import { pollerActor, type PollerConfig } from '../fixtures/poller.actor.ts';

const topo = (cfg: PollerConfig): Topology => ({ actors: [{ name: 'poller', def: pollerActor, config: cfg }], channels: [] });

describe('simulator guard rails', () => {
  it('stops a run that owes work and makes no progress for the bound, as a livelock with a report', () => {
    const r = runSim(topo({ owes: true, everyNs: 1000, polls: 1_000_000 }), { seed: 1, guard: { livelockBoundNs: 50_000 } });
    expect(r.stopReason).toBe('livelock');
    // Looked at every time virtual time moves: stopped within one poll of the bound.
    expect(r.virtualNs).toBeGreaterThan(50_000);
    expect(r.virtualNs).toBeLessThanOrEqual(52_000);
    expect(r.stopReport).toMatch(/^livelock: nothing progressed \(messages taken from a channel\) for 5\d\.\d µs of scenario time \(bound 50\.0 µs\)/);
    expect(r.stopReport).toContain('poller (test-poller) pending=1 timers=1');
    // The checker's I8 verdict carries the report, as with the threaded stall report.
    const i8 = r.checker!.violations.find((v) => v.invariant === 'I8');
    expect(i8?.message).toContain("the run ended 'livelock'");
    expect(i8?.message).toContain('pending=1');
    const report = buildNestedReport(
      { scenario: 'poller', runtime: 'sim', seed: 1, workers: null },
      { actors: r.actors, channels: r.channels, marks: r.marks, stopReason: r.stopReason, stopReport: r.stopReport!, elapsedMs: r.virtualNs / 1e6, checker: r.checker },
    );
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => !c.ok)?.detail).toBe('the run did not reach quiescence');
  });

  it('does not call waiting on timers with nothing owed a livelock', () => {
    const r = runSim(topo({ owes: false, everyNs: 1000, polls: 200 }), { seed: 1, guard: { livelockBoundNs: 50_000 } });
    expect(r.stopReason).toBe('quiescent');
    expect(r.virtualNs).toBe(200_000);
  });

  it('stops at the wall-clock cap with its own stop reason and message', () => {
    const r = runSim(topo({ owes: false, everyNs: 1000, polls: 1_000_000 }), { seed: 1, guard: { wallClockCapMs: 0 } });
    expect(r.stopReason).toBe('wall-clock-cap');
    expect(r.stopReport).toMatch(/^the simulator stopped after \d+ ms of wall clock \(cap 0 ms\) at .* of scenario time/);
  });
});
