// The public surface of src/machines: compile an XState v5 machine once, run it through the
// compiled executor (default) or through XState itself (`--machines xstate`, for debugging).

import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import { compileMachine } from './compile.ts';
import { createExecutor } from './executor.ts';
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
export type MachinesMode = 'compiled' | 'xstate';

export type ExecutorFor<M extends AnyStateMachine> = MachineExecutor<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>>;

export function executorFor<M extends AnyStateMachine>(machine: M, mode: MachinesMode = 'compiled'): ExecutorFor<M> {
  return mode === 'xstate' ? createReferenceExecutor(machine) : createExecutor(compileMachine(machine));
}
