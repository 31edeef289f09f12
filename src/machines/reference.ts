// The reference executor (`--machines xstate`): the MachineExecutor interface implemented by
// XState's own initialTransition()/transition(), for debugging the compiled executor. Slow
// (≈15 µs per event): every call builds a throw-away actor scope inside XState.
//
// Differences from raw transition() that are deliberate, to match actor semantics and the
// compiled executor: a 'done' machine ignores events (raw transition() still runs root-level
// handlers on a done snapshot), and effects exclude XState built-ins (xstate.*).

import { initialTransition as xsInitialTransition, transition as xsTransition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import { FaultlineError } from '../util/errors.ts';
import { fromXStateValue, toXStateValue } from './state-value.ts';
import type { Effect, MachineExecutor, MachineState, MachineTransition } from './types.ts';

export type ReferenceExecutor<M extends AnyStateMachine> = MachineExecutor<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>>;

interface XsAction {
  type: string;
  params: unknown;
}

/** Named actions as effects: type + params; XState built-ins are not effects. */
export function effectsOf(actions: readonly XsAction[]): Effect[] {
  return actions.filter((a) => !a.type.startsWith('xstate.')).map((a) => ({ type: a.type, params: a.params }));
}

/** A snapshot as plain MachineState; XState error snapshots rethrow their error. */
export function machineStateOf<TContext>(snapshot: AnyMachineSnapshot): MachineState<TContext> {
  if (snapshot.status === 'error') throw snapshot.error;
  if (snapshot.status === 'stopped') throw new FaultlineError('FAULTLINE_MACHINE_STATE', `machine '${snapshot.machine.id}' stopped`);
  return { value: fromXStateValue(snapshot.value), context: snapshot.context as TContext, status: snapshot.status };
}

export function createReferenceExecutor<M extends AnyStateMachine>(machine: M): ReferenceExecutor<M> {
  type C = ContextFrom<M>;
  // MachineState objects we produced map to their snapshot; foreign ones (e.g. structuredClone'd)
  // are rebuilt with machine.resolveState.
  const snapshots = new WeakMap<MachineState<C>, AnyMachineSnapshot>();
  const snapshotOf = (state: MachineState<C>): AnyMachineSnapshot => {
    const known = snapshots.get(state);
    if (known && known.context === state.context && fromXStateValue(known.value) === state.value) return known;
    return machine.resolveState({ value: toXStateValue(state.value), context: state.context as never });
  };
  const remember = (snapshot: AnyMachineSnapshot): MachineState<C> => {
    const state = machineStateOf<C>(snapshot);
    snapshots.set(state, snapshot);
    return state;
  };

  const initialTransition = (input?: InputFrom<M>): MachineTransition<C> => {
    const [snapshot, actions] = xsInitialTransition(machine, input as never);
    return { state: remember(snapshot), effects: effectsOf(actions as XsAction[]) };
  };

  const send = (state: MachineState<C>, event: EventFromLogic<M>): MachineTransition<C> => {
    if (state.status !== 'active') return { state, effects: [] };
    const [snapshot, actions] = xsTransition(machine, snapshotOf(state) as never, event as never);
    return { state: remember(snapshot as AnyMachineSnapshot), effects: effectsOf(actions as XsAction[]) };
  };

  return {
    machineId: machine.id,
    initialTransition,
    initial: (input) => initialTransition(input).state,
    send,
    step(state, event, effectsOut) {
      if (state.status !== 'active') return false;
      const before = snapshotOf(state);
      if (machine.getTransitionData(before as never, event as never).length === 0) return false;
      const { state: next, effects } = send(state, event);
      state.value = next.value;
      state.context = next.context;
      state.status = next.status;
      snapshots.set(state, snapshots.get(next)!);
      effectsOut.push(...effects);
      return true;
    },
    reset(state, input) {
      const first = initialTransition(input).state;
      state.value = first.value;
      state.context = first.context;
      state.status = first.status;
      snapshots.set(state, snapshots.get(first)!);
    },
  };
}
