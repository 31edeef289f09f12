// The device's page request group machine: every reachable path (xstate/graph) replayed
// through the compiled executor, with the group's local rules checked at every state, and the
// executor compared with XState itself.

import { describe, expect, it } from 'vitest';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { prgMachine, type PrgEvent, type PrgInput } from '../../machines/prg.machine.ts';
import { executorFor, type Effect, type MachineState } from '../../src/machines/index.ts';
import type { PrgContext } from '../../machines/prg.machine.ts';
import { diffAgainstXState } from './diff-harness.ts';

const exec = executorFor(prgMachine);

const events: PrgEvent[] = [
  { type: 'prg.page', last: false },
  { type: 'prg.page', last: true },
  { type: 'prg.response', outcome: 'success' },
  { type: 'prg.response', outcome: 'invalid' },
  { type: 'prg.response', outcome: 'failure' },
];

const outcomeEffect = { success: 'retryTranslations', invalid: 'failAccesses', failure: 'priFailure' } as const;

function paths(input: PrgInput): PrgEvent[][] {
  const opts = { events, input, stopWhen: (s: { status: string }) => s.status !== 'active' };
  return [...getShortestPaths(prgMachine, opts as never), ...getSimplePaths(prgMachine, opts as never)].map((p) => p.steps.slice(1).map((st) => st.event as PrgEvent));
}

/** The group's rules, checked after every event of a path. */
function checkState(st: MachineState<PrgContext>, ev: PrgEvent, fx: Effect[], before: MachineState<PrgContext>, released: number): void {
  const c = st.context;
  expect(c.pagesSent).toBeLessThanOrEqual(c.pagesTotal);
  if (st.value === 'filling') expect(c.pagesSent).toBeLessThan(c.pagesTotal);
  if (st.value !== 'filling') expect(c.pagesSent).toBe(c.pagesTotal);
  expect(st.status === 'done').toBe(['success', 'invalid', 'failure'].includes(st.value));
  // Credits are released exactly once, on the response, for every page.
  expect(released).toBe(st.status === 'done' ? 1 : 0);
  const types = fx.map((e) => e.type);
  if (before.status === 'done') {
    // A finished group ignores everything: a second response never reaches the shell twice.
    expect(fx).toEqual([]);
    expect(st).toEqual(before);
  } else if (ev.type === 'prg.page') {
    const wrongLast = ev.last !== (before.context.pagesSent + 1 === c.pagesTotal) || before.value !== 'filling';
    expect(types).toEqual(wrongLast ? ['lastFlagViolation'] : []);
  } else if (before.value === 'waitingResponse') {
    expect(st.value).toBe(ev.outcome);
    expect(fx).toEqual([
      { type: 'releaseCredits', params: { pages: c.pagesTotal } },
      { type: outcomeEffect[ev.outcome], params: undefined },
    ]);
  } else {
    // A response before the last page went out (or after the end) changes nothing.
    expect(fx).toEqual([]);
    expect(st).toEqual(before);
  }
}

describe('prg machine', () => {
  for (const pagesTotal of [1, 3]) {
    it(`walks every reachable path for a ${pagesTotal}-page group and keeps the group rules`, () => {
      const all = paths({ pagesTotal });
      const seen = new Set<string>();
      for (const path of all) {
        let st = exec.initial({ pagesTotal });
        let released = 0;
        for (const ev of path) {
          const before = structuredClone(st);
          const fx: Effect[] = [];
          exec.step(st, ev, fx);
          released += fx.filter((e) => e.type === 'releaseCredits').length;
          checkState(st, ev, fx, before, released);
          seen.add(st.value);
        }
        for (const ev of events) {
          const fx: Effect[] = [];
          const next = structuredClone(st);
          exec.step(next, ev, fx);
          checkState(next, ev, fx, st, released + fx.filter((e) => e.type === 'releaseCredits').length);
        }
      }
      expect([...seen].sort()).toEqual(['failure', 'filling', 'invalid', 'success', 'waitingResponse'].filter((v) => pagesTotal > 1 || v !== 'filling'));
    });
  }

  it('the compiled executor agrees with XState on every path and takes every transition', () => {
    const report = diffAgainstXState(prgMachine, exec, { events, input: { pagesTotal: 2 }, simplePaths: true });
    expect(report.mismatches).toEqual([]);
    expect(report.transitionsNeverTaken).toEqual([]);
  });
});
