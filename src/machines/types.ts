// The data shapes shared by the compiler, the executor and the XState reference: the plain
// machine state, effects-as-data, the executor interface and the compiled table.

import type { EventObject } from 'xstate';

/**
 * The state of one machine instance as plain data (structuredClone-able, JSON-able as long as
 * the context is). `value` is the active leaf's key path joined with '.', e.g. 'delivered' or
 * 'busy.working'; see state-value.ts for the XState form.
 */
export interface MachineState<TContext> {
  value: string;
  context: TContext;
  status: 'active' | 'done';
}

/** A named action executed as data: what the actor shell turns into output messages. */
export interface Effect {
  readonly type: string;
  readonly params: unknown;
}

export interface MachineTransition<TContext> {
  state: MachineState<TContext>;
  effects: Effect[];
}

/**
 * One interface, two implementations: the compiled table (executor.ts) and XState itself
 * (reference.ts). Both follow actor semantics: a 'done' machine ignores every event.
 */
export interface MachineExecutor<TContext, TEvent extends EventObject, TInput> {
  readonly machineId: string;
  /** The initial state and the effects of the initial entry actions. */
  initialTransition(input?: TInput): MachineTransition<TContext>;
  /** The initial state only; effects of initial entry actions are discarded. */
  initial(input?: TInput): MachineState<TContext>;
  /** Pure: never mutates `state`. An unhandled event returns the same `state` and no effects. */
  send(state: MachineState<TContext>, event: TEvent): MachineTransition<TContext>;
  /**
   * The hot-path variant: mutates `state` and its context in place and pushes effects onto
   * `effectsOut`. Returns whether a transition was selected (false: nothing changed, nothing
   * pushed). Every state from initial(), send() or reset() owns its context.
   */
  step(state: MachineState<TContext>, event: TEvent, effectsOut: Effect[]): boolean;
  /** `state` made what initial(input) returns, in place: for states pooled with the records that hold them. */
  reset(state: MachineState<TContext>, input?: TInput): void;
}

// ---- the compiled table ------------------------------------------------------------------

/** Arguments handed to guards, params functions and assignments (reused between calls). */
export interface ActionArgs {
  context: unknown;
  event: EventObject;
}

export type GuardFn = (args: ActionArgs) => boolean;
export type ParamsFn = (args: ActionArgs) => unknown;
/** Returns the new context: `update` never mutates args.context; `updateInPlace` mutates and returns it. */
export type AssignFn = (args: ActionArgs, params: unknown) => unknown;

// Op kinds are plain numbers (no enums: the executor switches on them in its hot loop).
/** Push a precomputed, frozen effect (constant params). */
export const OP_EFFECT = 0;
/** Push `{ type, params: params(args) }`. */
export const OP_EFFECT_FN = 1;
/**
 * `context = update(args, params)`: a new context object, as xstate.assign makes (send, the
 * initial transition); step() uses `updateInPlace`, which writes the same keys and values into
 * the state's own context and returns it.
 */
export const OP_ASSIGN = 2;

export type Op =
  | { readonly kind: typeof OP_EFFECT; readonly effect: Effect }
  | { readonly kind: typeof OP_EFFECT_FN; readonly type: string; readonly params: ParamsFn }
  | {
      readonly kind: typeof OP_ASSIGN;
      readonly update: AssignFn;
      readonly updateInPlace: AssignFn;
      readonly params: unknown;
      readonly paramsFn: ParamsFn | null;
    };

/** One candidate transition as seen from one active leaf, with its whole microstep flattened. */
export interface CompiledTransition {
  /** null: unguarded. */
  readonly guard: GuardFn | null;
  /** Index of the leaf after the transition; equal to the source leaf when targetless. */
  readonly targetIndex: number;
  readonly targetValue: string;
  readonly targetless: boolean;
  readonly reenter: boolean;
  /** Entering a top-level final state: the machine is done after these ops. */
  readonly done: boolean;
  /** Exit actions, transition actions, entry actions (and, when done, final exits), in order. */
  readonly ops: readonly Op[];
  /** For diagnostics: the descriptor and the id of the state node that declared it. */
  readonly descriptor: string;
  readonly sourceId: string;
}

export interface CompiledLeaf {
  readonly index: number;
  readonly value: string;
  readonly final: boolean;
  /** Exact event type → ordered candidates (leaf first, then ancestors; wildcards folded in). */
  readonly byEvent: ReadonlyMap<string, readonly CompiledTransition[]>;
  /** Resolves event types absent from byEvent; null when no wildcard descriptor is in scope. */
  readonly wildcard: ((eventType: string) => readonly CompiledTransition[]) | null;
}

export interface CompiledInitial {
  /** null: the context is the config's object (copied shallowly per instance). */
  readonly contextFn: ((args: { input: unknown }) => unknown) | null;
  readonly context: unknown;
  readonly ops: readonly Op[];
  readonly leafIndex: number;
  readonly value: string;
  readonly done: boolean;
}

export interface CompiledMachine<TContext, TEvent extends EventObject, TInput> {
  readonly machineId: string;
  readonly leaves: readonly CompiledLeaf[];
  readonly byValue: ReadonlyMap<string, CompiledLeaf>;
  readonly initial: CompiledInitial;
  /** Phantom: carries the machine's types to createExecutor. */
  readonly __types?: { context: TContext; event: TEvent; input: TInput };
}
