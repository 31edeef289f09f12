// The VMM's forwarded-fault machine: every reachable path (xstate/graph) for each input
// variant, checked against the machine's local rules; and the compiled executor agrees with
// XState on every reachable (state, event) edge.

import { describe, expect, it } from 'vitest';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { forwardedFaultEvents, forwardedFaultMachine, type ForwardedFaultContext, type ForwardedFaultInput, type WriteResponseParams } from '../../machines/forwarded-fault.machine.ts';
import { executorFor, type Effect, type MachineState } from '../../src/machines/index.ts';
import { diffAgainstXState } from './diff-harness.ts';

const exec = executorFor(forwardedFaultMachine);

const inputs: ForwardedFaultInput[] = [false, true].flatMap((leakOnDrop) =>
  [0, 1].flatMap((overflowCode) => [0, 1].map((failureCode) => ({ cookie: 17, devId: 2, pasid: 5, prgi: 9, overflowCode, failureCode, leakOnDrop }))),
);

function pathsOf(input: ForwardedFaultInput) {
  const traversal = { events: forwardedFaultEvents, input, stopWhen: () => false };
  return [...getShortestPaths(forwardedFaultMachine, traversal as never), ...getSimplePaths(forwardedFaultMachine, traversal as never)].map((p) =>
    p.steps.slice(1).map((s) => s.event as (typeof forwardedFaultEvents)[number]),
  );
}

/** The local rules, checked on one reachable state with the effects of the whole path to it. */
function checkRules(input: ForwardedFaultInput, state: MachineState<ForwardedFaultContext>, writes: WriteResponseParams[], visited: string[]): void {
  const done = state.value === 'answered' || state.value === 'autoAnswered';
  // Exactly one response per group: none while open, one when done.
  expect(writes.length).toBe(done ? 1 : 0);
  expect(state.status).toBe(done ? 'done' : 'active');
  for (const w of writes) {
    expect(w.cookie).toBe(input.cookie);
    expect([0, 1]).toContain(w.code);
  }
  if (state.value === 'autoAnswered') {
    expect(input.leakOnDrop).toBe(false);
    expect(visited).toContain('droppedOnInject');
    expect(writes[0]!.code).toBe(input.overflowCode);
  }
  if (state.value === 'answered') {
    const g = state.context.guestCode;
    expect(writes[0]!.code).toBe(g === 0 ? 0 : g === 1 ? 1 : input.failureCode);
  }
  // Injection happens once, straight after the read; answers come only after injection.
  if (state.value === 'droppedOnInject' || state.value === 'injected') expect(visited).toEqual(['read', state.value]);
  if (done) expect(['injected', 'droppedOnInject']).toContain(visited.at(-2));
}

describe('forwarded-fault machine', () => {
  it.each(inputs)('keeps its local rules on every reachable state (%o)', (input) => {
    const seen = new Set<string>();
    for (const events of pathsOf(input)) {
      let state = exec.initial(input);
      const writes: WriteResponseParams[] = [];
      const visited = [state.value];
      checkRules(input, state, writes, visited);
      for (const ev of events) {
        const effects: Effect[] = [];
        exec.step(state, ev, effects);
        for (const e of effects) {
          expect(e.type).toBe('writeResponse');
          writes.push(e.params as WriteResponseParams);
        }
        if (visited.at(-1) !== state.value) visited.push(state.value);
        seen.add(state.value);
        checkRules(input, state, writes, visited);
        state = structuredClone(state);
      }
    }
    const expected = input.leakOnDrop ? ['injected', 'droppedOnInject', 'answered'] : ['injected', 'droppedOnInject', 'answered', 'autoAnswered'];
    expect([...seen].sort()).toEqual(expected.sort());
  });

  it('never auto-answers a dropped group while the cookie leaks', () => {
    const input = inputs.find((i) => i.leakOnDrop)!;
    const s = exec.initial(input);
    exec.step(s, { type: 'fault.inject', queued: false }, []);
    const effects: Effect[] = [];
    expect(exec.step(s, { type: 'fault.overflowAnswer' }, effects)).toBe(false);
    expect(s.value).toBe('droppedOnInject');
    expect(effects).toEqual([]);
  });

  it('agrees with XState on every reachable edge', () => {
    for (const input of inputs) {
      const report = diffAgainstXState(forwardedFaultMachine, exec, { events: forwardedFaultEvents, input });
      expect(report.mismatches).toEqual([]);
    }
  });
});
