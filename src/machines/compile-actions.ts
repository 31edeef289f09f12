// Resolves XState action references into executor ops, as xstate's
// resolveAndExecuteActionsWithContext does: assign (inline or named, function or property-map
// form, with params) becomes a context update; a named action declared in setup({ actions })
// becomes an effect { type, params }. Its implementation is never called — in our machines it
// is a no-op and the actor shell acts on the data. Every other built-in is refused.

import { OP_ASSIGN, OP_EFFECT, OP_EFFECT_FN } from './types.ts';
import type { ActionArgs, AssignFn, Effect, Op, ParamsFn } from './types.ts';
import { unsupported } from './unsupported.ts';
import { functionName, isAssign, isBuiltinAction } from './xstate-view.ts';
import type { ActionRef, BuiltinAction, MachineView, NodeView } from './xstate-view.ts';

export interface ActionScope {
  readonly machine: MachineView;
  readonly node: NodeView;
  /** Where the actions sit, for messages: "entry", "exit", "transition on 'prq.page'". */
  readonly where: string;
}

const BUILTIN_ADVICE: Record<string, string> = {
  'xstate.raise': 'fold the follow-up into this transition, or emit an effect and let the actor shell send the event back',
  'xstate.sendTo': 'emit a named effect whose params are the message; the actor shell sends it',
  'xstate.sendParent': 'emit a named effect whose params are the message; the actor shell sends it',
  'xstate.emit': "use a named effect action with params (e.g. { type: 'emit', params })",
  'xstate.log': "use a named effect action (e.g. { type: 'trace', params })",
  'xstate.cancel': 'emit a timer-cancel effect; timers belong to the actor shell',
  'xstate.spawnChild': 'actors are wired by the runtime, not spawned by machines; emit an effect instead',
  'xstate.stopChild': 'actors are wired by the runtime, not stopped by machines; emit an effect instead',
  'xstate.enqueueActions': 'list the actions statically and split the transition with guards',
};

export function compileActions(scope: ActionScope, refs: readonly ActionRef[]): Op[] {
  return refs.map((ref) => compileAction(scope, ref));
}

function compileAction(scope: ActionScope, ref: ActionRef): Op {
  if (typeof ref === 'function') {
    if (isBuiltinAction(ref)) return compileBuiltin(scope, ref, undefined, null);
    return unsupported(
      scope.machine.id,
      scope.node,
      `inline function action '${functionName(ref)}' (${scope.where})`,
      'declare a named no-op action in setup({ actions }) and pass its data as params; the executor returns it as an effect',
    );
  }
  const type = typeof ref === 'string' ? ref : ref.type;
  if (type.startsWith('xstate.')) {
    unsupported(scope.machine.id, scope.node, `action type '${type}' (${scope.where})`, 'names starting with xstate. are reserved');
  }
  const impl = scope.machine.actions[type];
  if (impl === undefined) {
    unsupported(scope.machine.id, scope.node, `action '${type}' without an implementation (${scope.where})`, `declare it in setup({ actions: { ${type}: (_, params) => {} } }) as a no-op`);
  }
  const hasParams = typeof ref !== 'string' && 'params' in ref;
  const params = hasParams ? ref.params : undefined;
  const paramsFn = typeof params === 'function' ? (params as ParamsFn) : null;
  if (isBuiltinAction(impl)) return compileBuiltin(scope, impl, params, paramsFn);
  if (typeof impl !== 'function') {
    return unsupported(scope.machine.id, scope.node, `action '${type}' whose implementation is not a function (${scope.where})`, 'implement it as a no-op function');
  }
  if (paramsFn) return { kind: OP_EFFECT_FN, type, params: paramsFn };
  const effect: Effect = Object.freeze({ type, params });
  return { kind: OP_EFFECT, effect };
}

function compileBuiltin(scope: ActionScope, a: BuiltinAction, params: unknown, paramsFn: ParamsFn | null): Op {
  if (!isAssign(a)) {
    const advice = BUILTIN_ADVICE[a.type] ?? 'use assign or a named effect action';
    return unsupported(scope.machine.id, scope.node, `built-in action ${a.type} (${scope.where})`, advice);
  }
  return { kind: OP_ASSIGN, update: assignmentOf(a.assignment), updateInPlace: assignmentInPlaceOf(a.assignment), params, paramsFn };
}

/**
 * Both assign forms as one `(args, params) => new context`, equal to xstate's
 * `Object.assign({}, context, partial)` with every partial value computed from the old context.
 * Spreads are several times faster than Object.assign here; the only difference would be an
 * assignment to a key named '__proto__', which the function form copies as an own property.
 */
function assignmentOf(assignment: unknown): AssignFn {
  if (typeof assignment === 'function') {
    const partialOf = assignment as (args: ActionArgs, params: unknown) => object | undefined;
    return (args, params) => ({ ...(args.context as object), ...partialOf(args, params) });
  }
  const map = (assignment ?? {}) as Record<string, unknown>;
  const keys = Object.keys(map);
  const values = keys.map((key) => map[key]);
  // Generated per assignment, straight-line, the keys as constants: each has its own type
  // feedback, so its copy and stores see one machine's context shape. One closure shared by
  // every assignment saw all machines' shapes and keys: megamorphic keyed stores (issue 9).
  // Property functions read args.context, the old context, as in xstate; `next` is a copy.
  const stores = keys.map((key, i) => `next[${JSON.stringify(key)}] = ${typeof values[i] === 'function' ? `values[${i}](args, params)` : `values[${i}]`};`);
  const make = new Function('values', `'use strict'; return function assign(args, params) { const next = { ...args.context }; ${stores.join(' ')} return next; };`) as (v: unknown[]) => AssignFn;
  return make(values);
}

/**
 * The same assignment written into args.context itself, for step() on a state that owns its
 * context (issue 9: a context object per assign was the machines' largest allocation). Every
 * value is computed from the old context before the first store, as the copying form computes
 * them; a key new to the context is appended, as the copy appends it, so the key order is the same.
 */
function assignmentInPlaceOf(assignment: unknown): AssignFn {
  if (typeof assignment === 'function') {
    const partialOf = assignment as (args: ActionArgs, params: unknown) => object | undefined;
    return (args, params) => Object.assign(args.context as object, partialOf(args, params));
  }
  const map = (assignment ?? {}) as Record<string, unknown>;
  const keys = Object.keys(map);
  const values = keys.map((key) => map[key]);
  const computes = keys.map((_, i) => `const v${i} = ${typeof values[i] === 'function' ? `values[${i}](args, params)` : `values[${i}]`};`);
  const stores = keys.map((key, i) => `context[${JSON.stringify(key)}] = v${i};`);
  const make = new Function('values', `'use strict'; return function assignInPlace(args, params) { const context = args.context; ${computes.join(' ')} ${stores.join(' ')} return context; };`) as (
    v: unknown[],
  ) => AssignFn;
  return make(values);
}
