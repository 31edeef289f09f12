// The public surface of src/machines: compile an XState v5 machine once, run it through the
// compiled executor (default) or through XState itself (`--machines xstate`, for debugging).

import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import { compileMachine } from './compile.ts';
import { createExecutor } from './executor.ts';
import { machinesMode, type MachinesMode } from './mode.ts';
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
 * The executor for a machine. With an explicit mode it is built now; without one it is built
 * on first use in the thread's current mode (setMachinesMode), so tier modules can create
 * their executors at import time and the CLI can still choose the reference mode per run.
 */
export function executorFor<M extends AnyStateMachine>(machine: M, mode?: MachinesMode): ExecutorFor<M> {
  const build = (m: MachinesMode): ExecutorFor<M> => (m === 'xstate' ? createReferenceExecutor(machine) : createExecutor(compileMachine(machine)));
  if (mode !== undefined) return build(mode);
  let inner: ExecutorFor<M> | undefined;
  const get = (): ExecutorFor<M> => (inner ??= build(machinesMode()));
  return {
    get machineId() {
      return get().machineId;
    },
    initialTransition: (input) => get().initialTransition(input),
    initial: (input) => get().initial(input),
    send: (state, event) => get().send(state, event),
    step: (state, event, effectsOut) => get().step(state, event, effectsOut),
  };
}
