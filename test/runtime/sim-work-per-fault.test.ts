// Regression guard for the simulator's speed (issue 9) that times nothing: the work one nested
// fault costs, counted deterministically for a fixed seed of a shipped scenario — scheduler steps,
// messages sent over channels and check events per fault raised. A change that makes a fault
// cost more deliveries, messages or checker events fails here; a deliberate change re-pins the
// numbers and says why in its commit.
import { describe, expect, it } from 'vitest';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import { nestedTopology } from '../../src/scenario/nested-topology.ts';
import { loadScenario } from '../../src/scenario/load.ts';

/** Allowed growth over the pinned figure before the guard fails. */
const slack = 1.03;

function workPerFault(name: string, seed: number, durationMs: number) {
  const { scenario } = loadScenario(name);
  scenario.durationMs = durationMs;
  // The work per fault of the actors and the scheduler, with the plain 1 µs hops the figures were pinned with (not the calibrated profile).
  scenario.sim.profile = 'none';
  const r = runSim(nestedTopology(scenario).topology, { seed, maxSteps: 50_000_000 });
  const faults = Number((r.actors.find((a) => a.name === 'device')!.stats as { faults: number }).faults);
  const messages = r.channels.reduce((n, c) => n + c.sent, 0);
  return { faults, steps: r.steps, messages, events: r.checker!.events };
}

describe('simulator work per nested fault (default-storm, seed 1, 1 ms)', () => {
  const w = workPerFault('default-storm', 1, 1);

  it('raises the pinned number of faults (the workload itself is unchanged)', () => {
    expect(w.faults).toBe(PINNED.faults);
  });

  it('takes no more than 3 % more steps, messages and check events per fault than pinned', () => {
    const per = { steps: w.steps / w.faults, messages: w.messages / w.faults, events: w.events / w.faults };
    expect(per.steps).toBeLessThanOrEqual((PINNED.steps / PINNED.faults) * slack);
    expect(per.messages).toBeLessThanOrEqual((PINNED.messages / PINNED.faults) * slack);
    expect(per.events).toBeLessThanOrEqual((PINNED.events / PINNED.faults) * slack);
  });
});

// Pinned from the run above on the commit that added this test.
const PINNED = { faults: 2801, steps: 43_217, messages: 37_605, events: 61_567 };
