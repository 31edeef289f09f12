import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { executorFor, type Effect } from '../../src/machines/index.ts';
import { guestGroupMachine, type GuestGroupEvent } from '../../machines/guest-group.machine.ts';

const events: GuestGroupEvent[] = [{ type: 'handle.start' }, { type: 'handle.done', code: 0, pagesMapped: 2 }, { type: 'handle.done', code: 1, pagesMapped: 0 }];

describe('guest-group machine', () => {
  const exec = executorFor(guestGroupMachine);
  const opts = { events, input: { faults: 2 }, stopWhen: (s: AnyMachineSnapshot) => s.status !== 'active' } as never;
  const paths = [...getShortestPaths(guestGroupMachine, opts), ...getSimplePaths(guestGroupMachine, opts)].map((p) => p.steps.slice(1).map((s) => s.event as EventObject));

  it('walks received → handling → answered, arming the handler once and responding once with the handler code', () => {
    const seen = new Set<string>(['received']);
    for (const p of paths) {
      const m = exec.initial({ faults: 2 });
      const fx: Effect[] = [];
      for (const e of p) {
        exec.step(m, e as GuestGroupEvent, fx);
        seen.add(m.value);
        const arms = fx.filter((x) => x.type === 'armHandler').length;
        const responds = fx.filter((x) => x.type === 'respond');
        expect(arms).toBe(m.value === 'received' ? 0 : 1);
        expect(responds.length).toBe(m.value === 'answered' ? 1 : 0);
        if (m.value === 'answered') {
          expect(responds[0]!.params).toEqual({ code: m.context.code });
          expect([0, 1]).toContain(m.context.code);
          expect(m.status).toBe('done');
        }
        expect(m.context.faults).toBe(2);
      }
    }
    expect([...seen].sort()).toEqual(['answered', 'handling', 'received']);
  });

  it('does not answer before the handler started', () => {
    const m = exec.initial({ faults: 1 });
    expect(exec.step(m, { type: 'handle.done', code: 0, pagesMapped: 1 }, [])).toBe(false);
    expect(m.value).toBe('received');
  });
});
