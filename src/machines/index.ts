// The public surface of src/machines: compile an XState v5 machine once, run it through the
// compiled executor (default) or through XState itself (`--machines xstate`, for debugging).

import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import { compileMachine } from './compile.ts';
import { createExecutor } from './executor.ts';
import { machinesMode, onMachinesModeChange, type MachinesMode } from './mode.ts';
import { createReferenceExecutor } from './reference.ts';
import type { MachineExecutor } from './types.ts';

export { compileMachine } from './compile.ts';
export type { CompiledFor } from './compile.ts';
export { createExecutor, MACHINE_EVENT_INVALID, MACHINE_STATE_UNKNOWN } from './executor.ts';
export { createReferenceExecutor, effectsOf, machineStateOf } from './reference.ts';
export type { ReferenceExecutor } from './reference.ts';
export { fromXStateValue, toXStateValue } from './state-value.ts';
export { MACHINE_UNSUPPORTED } from './unsupported.ts';
export type {
  CompiledLeaf,
  CompiledMachine,
  CompiledTransition,
  Effect,
  MachineExecutor,
  MachineState,
  MachineTransition,
} from './types.ts';

/** 'compiled': the table executor (default); 'xstate': XState's transition(), ≈50–100× slower. */
export type { MachinesMode } from './mode.ts';
export { machinesMode, setMachinesMode } from './mode.ts';

export type ExecutorFor<M extends AnyStateMachine> = MachineExecutor<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>>;

/**
 * The executor for a machine. With an explicit mode it is built now; without one it follows
 * the thread's current mode (setMachinesMode), each engine built on first use, so tier
 * modules can create their executors at import time and each run (a worker at boot, the
 * simulator and the replay for their run) can still choose the reference mode.
 *
 * Its methods are the current engine's own functions, put in place on the first call after the
 * mode is set or changed: a step is one call to the engine, not a forwarding call that asks for
 * the mode first (issue 9: the forwarder was 1.2 % of a simulator run's self time).
 */
export function executorFor<M extends AnyStateMachine>(machine: M, mode?: MachinesMode): ExecutorFor<M> {
  const build = (m: MachinesMode): ExecutorFor<M> => (m === 'xstate' ? createReferenceExecutor(machine) : createExecutor(compileMachine(machine)));
  if (mode !== undefined) return build(mode);
  let compiled: ExecutorFor<M> | undefined;
  let reference: ExecutorFor<M> | undefined;
  const get = (): ExecutorFor<M> => (machinesMode() === 'xstate' ? (reference ??= build('xstate')) : (compiled ??= build('compiled')));
  const install = (): ExecutorFor<M> => {
    const e = get();
    lazy.initialTransition = e.initialTransition;
    lazy.initial = e.initial;
    lazy.send = e.send;
    lazy.step = e.step;
    lazy.reset = e.reset;
    return e;
  };
  const uninstall = (): void => {
    lazy.initialTransition = (input) => install().initialTransition(input);
    lazy.initial = (input) => install().initial(input);
    lazy.send = (state, event) => install().send(state, event);
    lazy.step = (state, event, effectsOut) => install().step(state, event, effectsOut);
    lazy.reset = (state, input) => install().reset(state, input);
  };
  const lazy: { -readonly [K in keyof ExecutorFor<M>]: ExecutorFor<M>[K] } = {
    get machineId() {
      return get().machineId;
    },
    initialTransition: (input) => install().initialTransition(input),
    initial: (input) => install().initial(input),
    send: (state, event) => install().send(state, event),
    step: (state, event, effectsOut) => install().step(state, event, effectsOut),
    reset: (state, input) => install().reset(state, input),
  };
  onMachinesModeChange(uninstall);
  return lazy;
}
