// The PF family's PRI capability machine: every reachable path (xstate/graph) replayed
// through the compiled executor with the capability's local rules checked at every state,
// and the executor compared with XState itself.

import { describe, expect, it } from 'vitest';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { priCapabilityMachine, type PriCapabilityContext, type PriCapabilityEvent } from '../../machines/pri-capability.machine.ts';
import { executorFor, type Effect, type MachineState } from '../../src/machines/index.ts';
import { diffAgainstXState } from './diff-harness.ts';

const exec = executorFor(priCapabilityMachine);

const events: PriCapabilityEvent[] = [{ type: 'pri.enable' }, { type: 'pri.responseFailure' }, { type: 'pri.disable' }, { type: 'pri.reset' }, { type: 'pri.unexpectedPrgi' }];

function checkStep(before: MachineState<PriCapabilityContext>, ev: PriCapabilityEvent, after: MachineState<PriCapabilityContext>, fx: Effect[]): void {
  // RF is set exactly when PRI failed and software has not reset since: never while enabled.
  if (after.value === 'enabled') expect(after.context.rf).toBe(false);
  if (after.value === 'failed') expect(after.context.rf).toBe(true);
  if (after.value === 'disabled') expect(after.context.rf).toBe(false);
  // Page requests stop exactly when leaving 'enabled', with the reason of the exit.
  const down = fx.filter((e) => e.type === 'priDown');
  const leftEnabled = before.value === 'enabled' && after.value !== 'enabled';
  expect(down).toEqual(leftEnabled ? [{ type: 'priDown', params: { reason: after.value === 'failed' ? 'responseFailure' : 'disabled' } }] : []);
  expect(fx.some((e) => e.type === 'priUp')).toBe(before.value !== 'enabled' && after.value === 'enabled');
  if (fx.some((e) => e.type === 'enableRefused')) expect(before.context.rf).toBe(true);
  // UPRGI is sticky: set by an unexpected PRGI in any state, cleared only by a reset while not enabled.
  const clears = ev.type === 'pri.reset' && (before.value === 'stopped' || before.value === 'disabled');
  expect(after.context.uprgi).toBe(!clears && (before.context.uprgi || ev.type === 'pri.unexpectedPrgi'));
  // A Response Failure never re-enables anything.
  if (ev.type === 'pri.responseFailure') expect(after.value === 'failed' || after.value === before.value).toBe(true);
}

describe('pri-capability machine', () => {
  it('walks every reachable path and keeps the capability rules', () => {
    const opts = { events };
    const all = [...getShortestPaths(priCapabilityMachine, opts), ...getSimplePaths(priCapabilityMachine, opts)];
    const seen = new Set<string>();
    for (const p of all) {
      const st = exec.initial();
      for (const { event } of p.steps.slice(1)) {
        const before = structuredClone(st);
        const fx: Effect[] = [];
        exec.step(st, event, fx);
        checkStep(before, event, st, fx);
        seen.add(st.value);
        for (const probe of events) {
          const next = structuredClone(st);
          const pfx: Effect[] = [];
          exec.step(next, probe, pfx);
          checkStep(st, probe, next, pfx);
        }
      }
    }
    expect([...seen].sort()).toEqual(['disabled', 'enabled', 'failed', 'stopped']);
  });

  it('recovery needs disable, reset and enable, in that order', () => {
    const st = exec.initial();
    const run = (...types: PriCapabilityEvent['type'][]) =>
      types.map((type) => {
        const fx: Effect[] = [];
        exec.step(st, { type } as PriCapabilityEvent, fx);
        return [st.value, fx.map((e) => e.type)];
      });
    expect(run('pri.enable', 'pri.responseFailure', 'pri.enable', 'pri.disable', 'pri.enable', 'pri.reset', 'pri.enable')).toEqual([
      ['enabled', ['priUp']],
      ['failed', ['priDown']],
      ['failed', []],
      ['stopped', []],
      ['stopped', ['enableRefused']],
      ['disabled', []],
      ['enabled', ['priUp']],
    ]);
  });

  it('the compiled executor agrees with XState on every path and takes every transition', () => {
    const report = diffAgainstXState(priCapabilityMachine, exec, { events, simplePaths: true });
    expect(report.mismatches).toEqual([]);
    expect(report.transitionsNeverTaken).toEqual([]);
  });
});
