// Resolves XState guard references into plain predicates, exactly as xstate's evaluateGuard
// does: inline functions, named guards from setup({ guards }) with constant or computed params,
// aliases, and the built-ins not/and/or. stateIn depends only on the active configuration,
// which the table fixes per leaf, so it is folded to a constant at compile time.

import { matchesState } from 'xstate';
import type { StateValue } from 'xstate';
import { toXStateValue } from './state-value.ts';
import type { ActionArgs, GuardFn, ParamsFn } from './types.ts';
import { unsupported } from './unsupported.ts';
import { builtinGuardKind, isBuiltinGuard } from './xstate-view.ts';
import type { GuardRef, MachineView, NodeView } from './xstate-view.ts';

/** true: always passes; false: never passes; else a predicate. */
export type GuardPlan = boolean | GuardFn;

export interface GuardScope {
  readonly machine: MachineView;
  /** The node that declares the transition (for error messages). */
  readonly node: NodeView;
  /** The active configuration when the guard is evaluated: leaf first, root last. */
  readonly active: readonly NodeView[];
  readonly leafValue: string;
}

const MAX_ALIAS_DEPTH = 16;

export function compileGuard(scope: GuardScope, ref: GuardRef | undefined, depth = 0): GuardPlan {
  if (ref === undefined) return true;
  if (depth > MAX_ALIAS_DEPTH) unsupported(scope.machine.id, scope.node, 'a cyclic guard alias', 'make named guards refer to functions');
  if (typeof ref === 'function') {
    if (isBuiltinGuard(ref)) return compileBuiltin(scope, ref, depth);
    const inline = ref as unknown as (args: ActionArgs, params: unknown) => boolean;
    return (args) => inline(args, undefined);
  }
  const name = typeof ref === 'string' ? ref : ref.type;
  const impl = scope.machine.guards[name];
  if (impl === undefined) {
    unsupported(scope.machine.id, scope.node, `guard '${name}' without an implementation`, `declare it in setup({ guards: { ${name}: ({ context, event }, params) => … } })`);
  }
  if (typeof impl !== 'function') return compileGuard(scope, impl as GuardRef, depth + 1);
  if (isBuiltinGuard(impl)) return compileBuiltin(scope, impl, depth);
  const fn = impl as (args: ActionArgs, params: unknown) => boolean;
  if (typeof ref === 'string' || !('params' in ref)) return (args) => fn(args, undefined);
  const params = ref.params;
  if (typeof params === 'function') {
    const paramsFn = params as ParamsFn;
    return (args) => fn(args, paramsFn(args));
  }
  return (args) => fn(args, params);
}

function compileBuiltin(scope: GuardScope, g: Parameters<typeof builtinGuardKind>[0], depth: number): GuardPlan {
  const kind = builtinGuardKind(g);
  switch (kind) {
    case 'stateIn':
      return stateInHolds(scope, g.stateValue);
    case 'not':
      return negate(compileGuard(scope, g.guards?.[0], depth + 1));
    case 'and':
      return combine(
        (g.guards ?? []).map((s) => compileGuard(scope, s, depth + 1)),
        true,
      );
    case 'or':
      return combine(
        (g.guards ?? []).map((s) => compileGuard(scope, s, depth + 1)),
        false,
      );
    default:
      return unsupported(scope.machine.id, scope.node, 'an unknown built-in guard', 'use a named guard, not/and/or or stateIn');
  }
}

function stateInHolds(scope: GuardScope, stateValue: unknown): boolean {
  if (typeof stateValue === 'string' && stateValue.startsWith('#')) {
    const target = scope.machine.nodeByRef(stateValue);
    if (!target) unsupported(scope.machine.id, scope.node, `stateIn('${stateValue}') of an unknown state id`, 'reference an existing state id');
    return scope.active.includes(target);
  }
  return matchesState(stateValue as StateValue, toXStateValue(scope.leafValue));
}

function negate(p: GuardPlan): GuardPlan {
  if (typeof p === 'boolean') return !p;
  return (args) => !p(args);
}

/** and (all = true) / or (all = false) with constant operands folded away. */
function combine(parts: GuardPlan[], all: boolean): GuardPlan {
  const fns: GuardFn[] = [];
  for (const p of parts) {
    if (p === !all) return !all; // and(…, false, …) / or(…, true, …)
    if (typeof p === 'function') fns.push(p);
  }
  if (fns.length === 0) return all;
  if (fns.length === 1) return fns[0]!;
  const n = fns.length;
  // Plain loops: every()/some() would allocate a callback closure per evaluation.
  if (all) {
    return (args) => {
      for (let i = 0; i < n; i++) if (!fns[i]!(args)) return false;
      return true;
    };
  }
  return (args) => {
    for (let i = 0; i < n; i++) if (fns[i]!(args)) return true;
    return false;
  };
}
