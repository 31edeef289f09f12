// The PASID lifecycle machine: every reachable path (xstate/graph) replayed through the compiled
// executor, with the lifecycle's rules checked at every step, and the executor compared with
// XState itself.

import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { pasidMachine, type PasidEvent } from '../../machines/pasid.machine.ts';
import { executorFor, type Effect } from '../../src/machines/index.ts';
import { diffAgainstXState } from './diff-harness.ts';

const exec = executorFor(pasidMachine);

const events: PasidEvent[] = [
  { type: 'pasid.stop', stopMarker: false },
  { type: 'pasid.stop', stopMarker: true },
  { type: 'pasid.stopped' },
  { type: 'drain.start' },
  { type: 'drain.retry' },
  { type: 'drain.done' },
  { type: 'pasid.bind' },
  { type: 'pasid.rebindNow' },
  { type: 'pasid.resume' },
];

function paths(): PasidEvent[][] {
  // States by value only: the incarnation and the retry count grow around the cycle.
  const opts = { events, serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value), stopWhen: (s: AnyMachineSnapshot) => s.status !== 'active' } as never;
  return [...getShortestPaths(pasidMachine, opts), ...getSimplePaths(pasidMachine, opts)].map((p) => p.steps.slice(1).map((st) => st.event as PasidEvent));
}

describe('pasid machine', () => {
  it('walks every reachable path: one stop request per stop, a drain before every correct rebind, the incarnation +1 per bind', () => {
    const all = paths();
    expect(all.length).toBeGreaterThan(5);
    const seen = new Set<string>(['active']);
    for (const p of all) {
      const m = exec.initial(undefined as never);
      let drained = false;
      let gen = 1;
      for (const ev of p) {
        const before = m.value;
        const fx: Effect[] = [];
        exec.step(m, ev, fx);
        seen.add(m.value);
        const types = fx.map((e) => e.type);
        if (types.includes('requestStop')) {
          expect(before).toBe('active');
          expect(fx[0]!.params).toEqual({ stopMarker: (ev as { stopMarker: boolean }).stopMarker });
          expect(m.value).toBe((ev as { stopMarker: boolean }).stopMarker ? 'markerSent' : 'waitingResponses');
        }
        if (types.includes('startDrain')) {
          expect(before).toBe('stopped');
          drained = false;
        }
        if (types.includes('finishDrain')) drained = true;
        if (types.includes('bindNew')) {
          gen++;
          expect(m.context.gen).toBe(gen);
          expect(fx.find((e) => e.type === 'bindNew')!.params).toEqual({ gen });
          // A rebind straight from 'stopped' is only the R1 bug event; otherwise a drain finished first.
          expect(ev.type === 'pasid.rebindNow' || drained).toBe(true);
        }
        if (m.value === 'draining') expect(['stopped', 'draining']).toContain(before);
        if (m.value === before && fx.length === 0) continue;
        expect(m.context.gen).toBe(gen);
      }
    }
    expect([...seen].sort()).toEqual(['active', 'bound', 'draining', 'markerSent', 'stopped', 'unbound', 'waitingResponses']);
  });

  it('ignores a bind before the drain finished and a second stop while stopping', () => {
    const m = exec.initial(undefined as never);
    expect(exec.step(m, { type: 'pasid.bind' }, [])).toBe(false);
    exec.step(m, { type: 'pasid.stop', stopMarker: true }, []);
    expect(exec.step(m, { type: 'pasid.stop', stopMarker: false }, [])).toBe(false);
    expect(m.value).toBe('markerSent');
  });

  it('counts drain retries (PRO set at the fence)', () => {
    const m = exec.initial(undefined as never);
    for (const ev of [
      { type: 'pasid.stop', stopMarker: false },
      { type: 'pasid.stopped' },
      { type: 'drain.start' },
      { type: 'drain.retry' },
      { type: 'drain.retry' },
      { type: 'drain.done' },
    ] as PasidEvent[]) {
      exec.step(m, ev, []);
    }
    expect(m.value).toBe('unbound');
    expect(m.context.drainRetries).toBe(2);
  });

  it('the compiled executor agrees with XState on every path and takes every transition', () => {
    const report = diffAgainstXState(pasidMachine, exec, { events, traversalStatesMax: 2000, mismatchesMax: 5, simplePaths: true, serializeState: (s) => JSON.stringify(s.value) });
    expect(report.mismatches).toEqual([]);
    expect(report.transitionsNeverTaken).toEqual([]);
  });
});
