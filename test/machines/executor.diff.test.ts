// The compiled executor (and the XState reference executor) must agree with XState's own
// transition() on every reachable state of every fixture, for every listed event: value,
// context, status, effects (type, params, order) and whether a transition was taken. And the
// comparison itself must be able to fail.

import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, EventObject } from 'xstate';
import { compileMachine, createExecutor, createReferenceExecutor } from '../../src/machines/index.ts';
import type { Effect, MachineExecutor, MachineState } from '../../src/machines/index.ts';
import { describeMismatches, diffAgainstXState } from './diff-harness.ts';
import type { DiffOptions } from './diff-harness.ts';
import { prgEvents, prgInput, prgMachine } from './fixtures/prg.machine.ts';
import type { PrgContext, PrgEvent, PrgInput } from './fixtures/prg.machine.ts';
import { priEvents, priMachine } from './fixtures/pri.machine.ts';
import { reentryEvents, reentryMachine } from './fixtures/reentry.machine.ts';

interface Fixture {
  machine: AnyStateMachine;
  options: DiffOptions<EventObject>;
  leaves: string[];
  /** Transitions no path can take, by design. */
  unreachable: string[];
}

const fixtures: Fixture[] = [
  {
    machine: prgMachine,
    options: { events: prgEvents, input: prgInput, simplePaths: true },
    leaves: ['collecting', 'pending', 'delivered', 'answered', 'autoAnswered'],
    unreachable: [],
  },
  {
    machine: priMachine,
    options: { events: priEvents },
    leaves: ['disabled', 'enabled', 'stopped', 'failed'],
    unreachable: [],
  },
  {
    machine: reentryMachine,
    options: { events: reentryEvents },
    leaves: ['idle', 'busy.working', 'busy.paused', 'done'],
    // stateIn({ busy: 'paused' }) can never hold while busy.working is active.
    unreachable: ['reentry.busy.working probe #0'],
  },
];

describe.each(fixtures)('machine $machine.id', ({ machine, options, leaves, unreachable }) => {
  it('compiled executor agrees with xstate transition() on every reachable state and event', () => {
    const report = diffAgainstXState(machine, createExecutor(compileMachine(machine)), options);
    expect(report.mismatches, describeMismatches(report.mismatches)).toEqual([]);
    expect([...report.statesSeen].sort()).toEqual([...leaves].sort());
    expect(report.transitionsNeverTaken).toEqual(unreachable);
    expect(report.comparisons).toBeGreaterThan(500);
  });

  it('reference executor (--machines xstate) agrees with xstate transition() as well', () => {
    const report = diffAgainstXState(machine, createReferenceExecutor(machine), { ...options, simplePaths: false });
    expect(report.mismatches, describeMismatches(report.mismatches)).toEqual([]);
  });
});

describe('the differential check can fail', () => {
  const options: DiffOptions<PrgEvent> = { events: prgEvents, input: prgInput };

  it('reports a table compiled from a machine with a wrong guard', () => {
    const wrong = compileMachine(prgMachine.provide({ guards: { cookieMatches: () => true } }));
    const report = diffAgainstXState(prgMachine, createExecutor(wrong), options);
    expect(report.mismatches.length).toBeGreaterThan(0);
    const staleResponse = report.mismatches.find((m) => m.events.at(-1)?.type === 'prq.response' && m.field === 'value');
    expect(staleResponse).toMatchObject({ expected: 'delivered', actual: 'answered' });
  });

  it('reports a tampered table (one transition retargeted)', () => {
    const compiled = compileMachine(prgMachine);
    const pending = compiled.byValue.get('pending')!;
    const deliver = pending.byEvent.get('prq.deliver')![0]!;
    // Deliberately corrupt the table: prq.deliver now lands in 'answered'.
    (deliver as { targetValue: string }).targetValue = 'answered';
    const report = diffAgainstXState(prgMachine, createExecutor(compiled), options);
    expect(report.mismatches.some((m) => m.field === 'value' && m.expected === 'delivered' && m.actual === 'answered')).toBe(true);
  });

  it('reports an executor that mutates the context', () => {
    const report = diffAgainstXState(
      prgMachine,
      tamper(createExecutor(compileMachine(prgMachine)), (s) => {
        if (s.value === 'delivered') s.context = { ...s.context, staleResponses: s.context.staleResponses + 1 };
      }),
      options,
    );
    expect(report.mismatches.some((m) => m.field === 'context')).toBe(true);
  });

  it('reports effects in the wrong order', () => {
    const report = diffAgainstXState(
      prgMachine,
      tamper(createExecutor(compileMachine(prgMachine)), undefined, (e) => e.reverse()),
      options,
    );
    const reordered = report.mismatches.find((m) => m.field === 'effects');
    expect(reordered).toBeDefined();
    expect(describeMismatches([reordered!])).toMatch(/effects expected/);
  });
});

/** Wraps an executor and corrupts what send()/step() return. */
function tamper(
  inner: MachineExecutor<PrgContext, PrgEvent, PrgInput>,
  onState?: (s: MachineState<PrgContext>) => void,
  onEffects?: (e: Effect[]) => void,
): MachineExecutor<PrgContext, PrgEvent, PrgInput> {
  return {
    ...inner,
    send(state, event) {
      const r = inner.send(state, event);
      if (r.state !== state) onState?.(r.state);
      onEffects?.(r.effects);
      return r;
    },
    step(state, event, out) {
      const handled = inner.step(state, event, out);
      if (handled) onState?.(state);
      onEffects?.(out);
      return handled;
    },
  };
}
