import { describe, expect, it } from 'vitest';
import { chainTopology } from '../../actors/chain/chain-topology.ts';
import { decodeChoices, encodeChoices } from '../../src/runtime/sim/choices.ts';
import { runSim, SimFailure } from '../../src/runtime/sim/sim-runtime.ts';
import { replayStrategy } from '../../src/runtime/sim/strategy.ts';
import { throwerTopology } from '../fixtures/thrower-topology.ts';

const topo = () => chainTopology({ requests: 2000, window: 16, capacity: 8 });

describe('deterministic runtime', () => {
  it('completes every round trip of the chain and ends quiescent', () => {
    const r = runSim(topo(), { seed: 1 });
    expect(r.stopReason).toBe('quiescent');
    expect((r.actors[0]!.stats as { completed: number }).completed).toBe(2000);
    expect(r.actors.every((a) => a.pending === 0)).toBe(true);
    expect(r.channels.every((c) => c.depth === 0)).toBe(true);
  });

  it('gives the same trace hash for the same seed, and different schedules for different seeds', () => {
    const a = runSim(topo(), { seed: 42 });
    const b = runSim(topo(), { seed: 42 });
    const c = runSim(topo(), { seed: 43 });
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.choices).toEqual(b.choices);
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  it('replays a recorded schedule exactly, from its one-line form', () => {
    const a = runSim(topo(), { seed: 9 });
    const replayed = runSim(topo(), { seed: 9, strategy: replayStrategy(decodeChoices(encodeChoices(a.choices))) });
    expect(replayed.traceHash).toBe(a.traceHash);
    expect(replayed.steps).toBe(a.steps);
  });

  it('exercises back-pressure: small channels refuse sends and the sender recovers', () => {
    const r = runSim(chainTopology({ requests: 500, window: 64, capacity: 2 }), { seed: 3 });
    expect(r.channels.some((c) => c.refused > 0)).toBe(true);
    expect((r.actors[0]!.stats as { completed: number }).completed).toBe(500);
  });

  it('reports a schedule that does not fit the run as diverged', () => {
    expect(() => runSim(topo(), { seed: 1, strategy: replayStrategy([5, 5, 5]) })).toThrow(/FAULTLINE_REPLAY_DIVERGED|FAULTLINE_ACTOR_FAILED/);
    expect(() => runSim(topo(), { seed: 1, strategy: replayStrategy([]) })).toThrow(/recorded schedule has 0 choices/);
  });

  it('names the actor, step and seed when a step throws, and the failure replays', () => {
    let failure: SimFailure | undefined;
    try {
      runSim(throwerTopology(), { seed: 5 });
    } catch (e) {
      failure = e as SimFailure;
    }
    expect(failure).toBeInstanceOf(SimFailure);
    expect(failure!.actor).toBe('thrower');
    expect(failure!.message).toMatch(/actor 'thrower' failed at step \d+ \(seed 5\).*FAULTLINE_TEST_BOOM/);
    expect(() => runSim(throwerTopology(), { seed: 5, strategy: replayStrategy([...failure!.choices, 0, 0, 0]) })).toThrow(SimFailure);
  });

  it('stops when its signal aborts and returns the run so far, stopReason interrupted', () => {
    const stop = new AbortController();
    // The event loop does not run during a simulator run: here the progress callback aborts it.
    const r = runSim(chainTopology({ requests: 0, window: 4 }), {
      seed: 1,
      signal: stop.signal,
      progress: {
        everySteps: 1000,
        fn: (steps) => {
          if (steps === 5000) stop.abort('enough');
        },
      },
    });
    expect(r.stopReason).toBe('interrupted');
    // The signal is looked at every 4096 steps.
    expect(r.steps).toBe(8192);
    expect(r.traceHash).toBe(runSim(chainTopology({ requests: 0, window: 4 }), { seed: 1, maxSteps: 8192 }).traceHash);
    expect(r.checker?.invariants.find((i) => i.id === 'I8')?.ok).toBe(false);
    const before = runSim(topo(), { seed: 1, signal: AbortSignal.abort() });
    expect([before.stopReason, before.steps]).toEqual(['interrupted', 0]);
  });

  it('stops at the step limit', () => {
    const r = runSim(chainTopology({ requests: 0, window: 4 }), { seed: 1, maxSteps: 10_000 });
    expect(r.stopReason).toBe('max-steps');
    expect(r.steps).toBe(10_000);
  });
});
