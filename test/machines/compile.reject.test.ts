// Every feature outside the supported subset is refused at compile time with a
// FAULTLINE_MACHINE_UNSUPPORTED error naming the machine, the state path and the feature, and
// saying what to do instead.

import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/util/errors.ts';
import { MACHINE_UNSUPPORTED, compileMachine } from '../../src/machines/index.ts';
import { unsupportedCases } from './fixtures/unsupported.machines.ts';

describe('compileMachine refuses unsupported features', () => {
  it.each(unsupportedCases)('$name', ({ build, statePath, feature }) => {
    const machine = build();
    let error: unknown;
    try {
      compileMachine(machine);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FaultlineError);
    const fe = error as FaultlineError;
    expect(fe.code).toBe(MACHINE_UNSUPPORTED);
    expect(fe.message).toContain(`machine '${machine.id}'`);
    expect(fe.message).toContain(`state '${statePath}'`);
    expect(fe.message).toContain(feature);
    expect(fe.message).toMatch(/instead, \S/);
    expect(fe.detail).toMatchObject({ machineId: machine.id, statePath });
  });
});
