import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { executorFor, type Effect } from '../../src/machines/index.ts';
import { hostFaultGroupMachine, type HostGroupEvent } from '../../machines/host-fault-group.machine.ts';

const events: HostGroupEvent[] = [
  { type: 'req.partial' },
  { type: 'req.last' },
  { type: 'partial.discard' },
  { type: 'fault.read', cookie: 7 },
  { type: 'user.respond', code: 0 },
  { type: 'user.respond', code: 1 },
  { type: 'auto.respond', reason: 'detach' },
  { type: 'auto.respond', reason: 'replace' },
  { type: 'auto.respond', reason: 'destroy' },
  { type: 'device.removed' },
];

// Group sizes beyond two behave alike; capping keeps the graph finite.
const serializeState = (s: AnyMachineSnapshot): string => JSON.stringify([s.value, Math.min((s.context as { faults: number }).faults, 2), s.context.cookie, s.context.answeredBy, s.context.code]);

function allPaths(): EventObject[][] {
  const opts = { events, serializeState, stopWhen: (s: AnyMachineSnapshot) => s.status !== 'active' } as never;
  const paths = [...getShortestPaths(hostFaultGroupMachine, opts), ...getSimplePaths(hostFaultGroupMachine, opts)];
  return paths.map((p) => p.steps.slice(1).map((s) => s.event as EventObject));
}

describe('host-fault-group machine', () => {
  const exec = executorFor(hostFaultGroupMachine);
  const paths = allPaths();

  it('reaches every state', () => {
    const seen = new Set<string>(['partial']);
    for (const p of paths) {
      const m = exec.initial();
      for (const e of p) {
        exec.step(m, e as HostGroupEvent, []);
        seen.add(m.value);
      }
    }
    expect([...seen].sort()).toEqual(['answered', 'autoAnswered', 'delivered', 'discarded', 'partial', 'pending']);
  });

  it('holds its local rules on every reachable state', () => {
    expect(paths.length).toBeGreaterThan(10);
    for (const p of paths) {
      const m = exec.initial();
      const responds: Effect[] = [];
      for (const e of p) {
        const fx: Effect[] = [];
        exec.step(m, e as HostGroupEvent, fx);
        responds.push(...fx.filter((x) => x.type === 'respond'));
        const c = m.context;
        // At most one response per group, ever.
        expect(responds.length).toBeLessThanOrEqual(1);
        // A cookie exists exactly once the group was read.
        if (m.value === 'partial' || m.value === 'pending') expect(c.cookie).toBe(0);
        if (m.value === 'delivered' || m.value === 'answered') expect(c.cookie).toBe(7);
        // A group has at least its last request once grouped.
        if (m.value !== 'partial' && m.value !== 'discarded') expect(c.faults).toBeGreaterThanOrEqual(1);
        if (m.value === 'answered') {
          expect(c.answeredBy).toBe('user');
          expect(responds).toEqual([{ type: 'respond', params: { code: c.code } }]);
        }
        if (m.value === 'autoAnswered') {
          // Auto-responses are Invalid; device removal was answered by the core itself.
          expect(c.code).toBe(1);
          expect(responds).toEqual(c.answeredBy === 'core' ? [] : [{ type: 'respond', params: { code: 1 } }]);
        }
        if (m.value === 'discarded') expect(responds).toEqual([]);
      }
    }
  });

  it('ignores a user response before the group was read', () => {
    const m = exec.initial();
    exec.step(m, { type: 'req.last' }, []);
    expect(exec.step(m, { type: 'user.respond', code: 0 }, [])).toBe(false);
    expect(m.value).toBe('pending');
  });
});
