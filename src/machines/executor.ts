// The hot-path machine executor: runs a compiled table (compile.ts) with XState v5 semantics
// at a fraction of the cost of xstate's transition(). One event = one state-table lookup, one
// event-type lookup, the guards in order, then the selected microstep's ops. Pure: no clocks,
// no randomness, no timers, no async; step() assigns into the state's own context, so its only
// allocations are effects whose params are computed.

import type { EventObject } from 'xstate';
import { FaultlineError } from '../util/errors.ts';
import { OP_ASSIGN, OP_EFFECT, OP_EFFECT_FN } from './types.ts';
import type { CompiledLeaf, CompiledMachine, CompiledTransition, Effect, MachineExecutor, MachineState, MachineTransition, Op } from './types.ts';

export const MACHINE_STATE_UNKNOWN = 'FAULTLINE_MACHINE_STATE';
export const MACHINE_EVENT_INVALID = 'FAULTLINE_MACHINE_EVENT';

const NO_CANDIDATES: readonly CompiledTransition[] = Object.freeze([]);

function refuseSpawn(): never {
  throw new FaultlineError('FAULTLINE_MACHINE_UNSUPPORTED', 'spawn, self and system are not available to compiled machines: actors are wired by the runtime');
}

/**
 * The argument object handed to guards, params functions and assignments. One instance per
 * executor is reused for every call, which saves an allocation per guard and per action;
 * functions must not keep a reference to it (pure functions never do).
 */
class Args {
  context: unknown = undefined;
  event: EventObject = { type: '' };
  get spawn(): never {
    return refuseSpawn();
  }
  get self(): never {
    return refuseSpawn();
  }
  get system(): never {
    return refuseSpawn();
  }
}

export function createExecutor<TContext, TEvent extends EventObject, TInput>(compiled: CompiledMachine<TContext, TEvent, TInput>): MachineExecutor<TContext, TEvent, TInput> {
  const { machineId, leaves, byValue, initial } = compiled;
  const args = new Args();

  const unknownState = (value: string): never => {
    throw new FaultlineError(MACHINE_STATE_UNKNOWN, `machine '${machineId}': '${value}' is not a state of this machine`, { machineId, value });
  };

  // Off the hot path: event types no exact descriptor names.
  const lookupMiss = (leaf: CompiledLeaf, type: string): readonly CompiledTransition[] => {
    if (type === '*' || type.startsWith('xstate.')) {
      throw new FaultlineError(MACHINE_EVENT_INVALID, `machine '${machineId}': event type '${type}' is reserved (wildcard or XState-internal); send application events only`, { machineId, type });
    }
    return leaf.wildcard === null ? NO_CANDIDATES : leaf.wildcard(type);
  };

  const step = ownStep(machineId, leaves, byValue, args, unknownState, lookupMiss) as (state: MachineState<TContext>, event: TEvent, effectsOut: Effect[]) => boolean;

  // As XState: a context function's result is merged into {}; an object context is used as is
  // (we copy it shallowly so that instances never share the top-level object). A spread, not
  // Object.assign({}, …): the same own properties, about 6× faster (issue 9); as with assign
  // (compile-actions.ts), only a key named '__proto__' would differ.
  // One ContextArgs per executor, as Args: a context function reads `input` and keeps nothing.
  const contextArgs = new ContextArgs();
  const initialContext = (input: TInput | undefined): object => {
    if (initial.contextFn === null) return { ...(initial.context as object) };
    contextArgs.input = input;
    const context = { ...(initial.contextFn(contextArgs) as object) };
    contextArgs.input = undefined; // do not keep the last input alive
    return context;
  };

  const initialTransition = (input?: TInput): MachineTransition<TContext> => {
    const event: EventObject = { type: 'xstate.init', input } as EventObject;
    const context = initialContext(input);
    const effects: Effect[] = [];
    args.context = context;
    args.event = event;
    const finalContext = runOps(args, initial.ops, effects) as TContext;
    args.context = undefined;
    const state: MachineState<TContext> = { value: initial.value, context: finalContext, status: initial.done ? 'done' : 'active' };
    return { state, effects };
  };

  return {
    machineId,
    initialTransition,
    initial: (input?: TInput) => {
      // Fast path (no initial entry actions): no event, no effects list, no transition object.
      if (initial.ops.length !== 0) return initialTransition(input).state;
      const context = initialContext(input) as TContext;
      return { value: initial.value, context, status: initial.done ? 'done' : 'active' };
    },
    send(state, event) {
      // step() assigns into the state's own context: the next state gets a copy to step.
      const next: MachineState<TContext> = { value: state.value, context: { ...(state.context as object) } as TContext, status: state.status };
      const effects: Effect[] = [];
      return step(next, event, effects) ? { state: next, effects } : { state, effects };
    },
    step,
    reset: ownReset(machineId, initial, contextArgs, initialTransition),
  };
}

type ResetFn<TContext, TInput> = (state: MachineState<TContext>, input?: TInput) => void;

/**
 * reset() generated per executor, as its step is (ownStep): a closure made by createExecutor
 * shares one feedback vector with every other executor's, so its call of the context function
 * and of the refill saw every machine's and were not inlined (issue 9: reset and the shared
 * closure were 8 % of a micro-benchmark of a fault's machine work).
 */
function ownReset<TContext, TInput>(
  machineId: string,
  initial: CompiledMachine<TContext, EventObject, TInput>['initial'],
  contextArgs: ContextArgs,
  initialTransition: (input?: TInput) => MachineTransition<TContext>,
): ResetFn<TContext, TInput> {
  const make = new Function(
    'initial',
    'contextArgs',
    'initialTransition',
    'refillFor',
    `'use strict';
  // The refill of the first context seen (refillFor): made once, then called from one site.
  let refill = null;
  return function reset(state, input) {
    if (initial.ops.length !== 0) {
      state.context = initialTransition(input).state.context;
    } else if (initial.contextFn === null) {
      const source = initial.context;
      refill ??= refillFor(Object.keys(source));
      if (!refill(state.context, source)) state.context = { ...source };
    } else {
      contextArgs.input = input;
      const fresh = initial.contextFn(contextArgs);
      contextArgs.input = undefined; // do not keep the last input alive
      refill ??= refillFor(Object.keys(fresh));
      if (!refill(state.context, fresh)) state.context = { ...fresh };
    }
    state.value = initial.value;
    state.status = initial.done ? 'done' : 'active';
  };\n//# sourceURL=${generatedUrl(`${machineId}.reset`)}`,
  ) as (i: typeof initial, c: ContextArgs, t: typeof initialTransition, r: typeof refillFor) => ResetFn<TContext, TInput>;
  return make(initial, contextArgs, initialTransition, refillFor);
}

/**
 * reset() without a new context object (issue 9: one per pooled state per group): `refill(target,
 * source)` writes source's values into target when both have exactly `keys` (those of the first
 * source reset saw), in the same order, and returns whether it did. Then target ends equal to the
 * copy `{ ...source }` initial() makes, key order included; otherwise (a context function whose
 * keys vary, an assignment that added a key) reset copies as initial() does. Contexts are
 * records of string keys: a symbol key, which for…in does not see, is not supported.
 * Generated per executor with the keys as constants,
 * so that its key walks and stores see one machine's context shape: one closure shared by every
 * machine saw all their shapes (megamorphic for…in and keyed stores, issue 9).
 */
function refillFor(keys: readonly string[]): (target: object, source: object) => boolean {
  if (keys.length === 0 || keys.includes('__proto__')) return () => false;
  const sameKeys = (o: string): string => `i = 0; for (const k in ${o}) { if (k !== keys[i++]) return false; } if (i !== ${keys.length}) return false;`;
  const stores = keys.map((k) => `target[${JSON.stringify(k)}] = source[${JSON.stringify(k)}];`);
  const make = new Function('keys', `'use strict'; return function refill(target, source) { let i; ${sameKeys('source')} ${sameKeys('target')} ${stores.join(' ')} return true; };`) as (
    k: readonly string[],
  ) => (target: object, source: object) => boolean;
  return make(keys);
}

/**
 * The argument of a context function: `input`, with spawn/self refused. A class, so that the
 * refusing getters live on the prototype; one per executor, reused for every instance.
 */
class ContextArgs {
  input: unknown = undefined;
  get spawn(): never {
    return refuseSpawn();
  }
  get self(): never {
    return refuseSpawn();
  }
}

/**
 * Runs one flattened microstep; returns the resulting context. The source of runOps below:
 * `update` makes a new context per assignment (the initial transition), `updateInPlace`
 * writes into the state's own context (step: every state owns its context, see send).
 */
const runOpsSource = (update: 'update' | 'updateInPlace'): string => `function runOps(args, ops, effectsOut) {
  let context = args.context;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    switch (op.kind) {
      case ${OP_EFFECT}:
        effectsOut.push(op.effect);
        break;
      case ${OP_EFFECT_FN}:
        args.context = context;
        effectsOut.push({ type: op.type, params: op.params(args) });
        break;
      case ${OP_ASSIGN}:
        // Assignments see the context as updated by earlier actions of the same microstep.
        args.context = context;
        context = op.${update}(args, op.paramsFn === null ? op.params : op.paramsFn(args));
        break;
    }
  }
  return context;
}`;

/**
 * One event (MachineExecutor.step): the leaf's candidates for the event type, the first whose
 * guard passes, its ops. With the switch lookup every (value, type) of the table returns from
 * its case (transitionsSource) and the loop below runs only for the lists lookupMiss finds
 * (wildcards); with the Maps it runs for every event. Generated per machine from this source (ownStep), with runOps, so
 * that each machine's step has its own type feedback and optimised code: one function shared
 * by every machine saw all their states, contexts and effect lists, and V8 made its loads and
 * calls megamorphic (issue 9).
 */
const stepSource = (lookup: string): string => `function step(state, event, effectsOut) {
  if (state.status !== 'active') return false;
  ${lookup}
  const n = candidates.length;
  if (n === 0) return false;
  args.context = state.context;
  args.event = event;
  let chosen;
  for (let i = 0; i < n; i++) {
    const t = candidates[i];
    if (t.guard === null || t.guard(args)) {
      chosen = t;
      break;
    }
  }
  if (chosen !== undefined) {
    state.context = runOps(args, chosen.ops, effectsOut);
    state.value = chosen.targetValue;
    if (chosen.done) state.status = 'done';
  }
  args.context = undefined; // do not keep the last context alive
  return chosen !== undefined;
}`;

/** The general lookup: the leaf by state value, then its candidates by event type, in Maps. */
const MAP_LOOKUP = `const leaf = byValue.get(state.value) ?? unknownState(state.value);
  const candidates = leaf.byEvent.get(event.type) ?? lookupMiss(leaf, event.type);`;

/** Up to this many switch cases a machine's lookup is generated as switches (below), beyond it the Maps. */
const SWITCH_CASES_MAX = 64;

/**
 * The same lookup as nested switches on the state value and the event type, the values and types
 * as constants: a string switch of a few cases compares interned strings, about half a Map
 * lookup's cost (issue 9: two lookups per step). Each (value, type) case runs its candidates
 * inline (transitionsSource); types absent from a leaf's table go to lookupMiss and the general
 * loop below the switch, unknown values to unknownState, as with the Maps.
 */
function switchLookup(leaves: readonly CompiledLeaf[], k: unknown[]): string | null {
  let cases = 0;
  const byLeaf = leaves.map((leaf, i) => {
    const types = [...leaf.byEvent].map(([type, list]) => `case ${JSON.stringify(type)}: ${transitionsSource(list, k)}`);
    cases += types.length + 1;
    return `case ${JSON.stringify(leaf.value)}: switch (event.type) { ${types.join('\n      ')} default: candidates = lookupMiss(L[${i}], event.type); } break;`;
  });
  if (cases > SWITCH_CASES_MAX) return null;
  return `let candidates;
  switch (state.value) { ${byLeaf.join('\n    ')} default: candidates = unknownState(state.value); }`;
}

/**
 * One candidate list as straight-line code, what the general loop (stepSource) and runOps do for
 * it: the guards in order, the first that passes has its ops run, its target taken, and the step
 * returns. Every guard, params function and assignment is called from its own site, with its
 * function (and a constant effect, a constant params value) as an element of `K` (k, appended
 * here): the loop's shared call sites saw all of a machine's functions and op shapes, so V8 could
 * inline none of them (issue 9). Returns from the step on every path.
 */
function transitionsSource(list: readonly CompiledTransition[], k: unknown[]): string {
  if (list.length === 0) return 'return false;';
  const constant = (value: unknown): string => {
    k.push(value);
    return `K[${k.length - 1}]`;
  };
  const blocks: string[] = [];
  for (const t of list) {
    const ops = t.ops.map((op) => {
      switch (op.kind) {
        case OP_EFFECT:
          return `effectsOut.push(${constant(op.effect)});`;
        case OP_EFFECT_FN:
          return `args.context = context; effectsOut.push({ type: ${JSON.stringify(op.type)}, params: ${constant(op.params)}(args) });`;
        case OP_ASSIGN:
          return `args.context = context; context = ${constant(op.updateInPlace)}(args, ${op.paramsFn === null ? constant(op.params) : `${constant(op.paramsFn)}(args)`});`;
      }
      return fail(op);
    });
    const body = `{ let context = args.context; ${ops.join(' ')} state.context = context; state.value = ${JSON.stringify(t.targetValue)};${t.done ? " state.status = 'done';" : ''} args.context = undefined; return true; }`;
    if (t.guard === null) {
      blocks.push(body);
      break; // an unguarded candidate is always chosen: the ones after it are never tried
    }
    blocks.push(`if (${constant(t.guard)}(args)) ${body}`);
  }
  const unguarded = list.some((t) => t.guard === null);
  return `{ args.context = state.context; args.event = event; ${blocks.join(' ')}${unguarded ? '' : ' args.context = undefined; return false;'} }`;
}

function fail(op: never): never {
  throw new FaultlineError('FAULTLINE_MACHINE_UNSUPPORTED', `unknown op kind in ${JSON.stringify(op)}`);
}

type StepFn = (state: MachineState<unknown>, event: EventObject, effectsOut: Effect[]) => boolean;

function ownStep(
  machineId: string,
  leaves: readonly CompiledLeaf[],
  byValue: ReadonlyMap<string, CompiledLeaf>,
  args: Args,
  unknownState: (value: string) => never,
  lookupMiss: (leaf: CompiledLeaf, type: string) => readonly CompiledTransition[],
): StepFn {
  const k: unknown[] = [];
  const lookup = switchLookup(leaves, k) ?? MAP_LOOKUP;
  const make = new Function(
    'byValue',
    'L',
    'K',
    'args',
    'unknownState',
    'lookupMiss',
    `'use strict'; ${runOpsSource('updateInPlace')} return ${stepSource(lookup)};\n//# sourceURL=${generatedUrl(machineId)}`,
  ) as (b: typeof byValue, l: typeof leaves, c: typeof k, a: Args, u: typeof unknownState, m: typeof lookupMiss) => StepFn;
  return make(byValue, leaves, k, args, unknownState, lookupMiss);
}

/** Where profiles and stack traces place a machine's generated step: beside this file, under src/machines/. */
function generatedUrl(machineId: string): string {
  return new URL(`./executor.generated/${encodeURIComponent(machineId)}.js`, import.meta.url).href;
}

/** runOps for the initial transition (once per instance, off the per-event path). */
const runOps = new Function(`'use strict'; return ${runOpsSource('update')};`)() as (args: Args, ops: readonly Op[], effectsOut: Effect[]) => unknown;
