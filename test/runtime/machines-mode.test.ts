// The machine engine is the run's option, set by the runtime for its run: a threaded run's
// workers take it from their boot data, the simulator and the recorded replay from their
// `machines` option, and the caller's thread keeps its own mode afterwards.

import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src/actor/topology.ts';
import { machinesMode } from '../../src/machines/mode.ts';
import { replayRecording } from '../../src/runtime/record/replay-runtime.ts';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import { runThreaded } from '../../src/runtime/threads/threaded-runtime.ts';
import { modeProbeActor } from '../fixtures/mode-probe.actor.ts';

const probe: Topology = { actors: [{ name: 'probe', def: modeProbeActor, config: null }], channels: [] };
const modeOf = (r: { actors: { stats: Record<string, unknown> }[] }): unknown => r.actors[0]!.stats.mode;

describe('machines mode per run', () => {
  it('the simulator runs in the mode it is given and restores the previous one', () => {
    expect(machinesMode()).toBe('compiled');
    expect(modeOf(runSim(probe, { seed: 1, machines: 'xstate' }))).toBe('xstate');
    expect(machinesMode()).toBe('compiled');
    expect(modeOf(runSim(probe, { seed: 1 }))).toBe('compiled');
  });

  it('a threaded run passes it to every worker at boot, and the replay of its recording takes it as an option', async () => {
    const r = await runThreaded(probe, { seed: 1, machines: 'xstate', record: true });
    expect(modeOf(r)).toBe('xstate');
    expect(machinesMode()).toBe('compiled');
    expect(modeOf(replayRecording(probe, r.recording!, { machines: 'xstate' }))).toBe('xstate');
    expect(machinesMode()).toBe('compiled');
  });
});
