// A narrow, typed view of the XState v5 internals the compiler walks: state nodes, formatted
// transitions, action and guard references and the machine's implementations. Every cast to
// XState's untyped runtime shapes lives here, so the rest of src/machines stays cast-free.

import { and, assign, not, or, stateIn } from 'xstate';
import type { AnyStateMachine } from 'xstate';

/** An action reference as it sits in entry/exit/transition action arrays. */
export type ActionRef = string | { type: string; params?: unknown } | BuiltinAction | ((...args: never[]) => unknown);

/** xstate.assign, raise, sendTo, …: functions carrying `type` and `resolve`. */
export interface BuiltinAction {
  (...args: never[]): unknown;
  type: string;
  resolve: unknown;
  assignment?: unknown;
}

export type GuardRef = string | { type: string; params?: unknown } | BuiltinGuard | ((...args: never[]) => unknown);

/** not/and/or/stateIn: functions carrying `check` plus their operands. */
export interface BuiltinGuard {
  (...args: never[]): unknown;
  check: unknown;
  guards?: GuardRef[];
  stateValue?: unknown;
}

export interface TransitionView {
  readonly eventType: string;
  readonly target: readonly NodeView[] | undefined;
  readonly source: NodeView;
  readonly reenter: boolean;
  readonly guard: GuardRef | undefined;
  readonly actions: readonly ActionRef[];
}

export interface NodeView {
  readonly id: string;
  readonly key: string;
  readonly path: readonly string[];
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly order: number;
  readonly parent: NodeView | undefined;
  readonly states: Readonly<Record<string, NodeView>>;
  readonly entry: readonly ActionRef[];
  readonly exit: readonly ActionRef[];
  readonly transitions: ReadonlyMap<string, readonly TransitionView[]>;
  /** The raw config, for features the formatted node hides (always, after, invoke, …). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface MachineView {
  readonly id: string;
  readonly root: NodeView;
  readonly config: Readonly<Record<string, unknown>>;
  readonly actions: Readonly<Record<string, unknown>>;
  readonly guards: Readonly<Record<string, unknown>>;
  /** XState's own '#id.child.path' resolution; undefined when nothing matches. */
  readonly nodeByRef: (stateRef: string) => NodeView | undefined;
}

export function viewMachine(machine: AnyStateMachine): MachineView {
  return {
    id: machine.id,
    root: machine.root as unknown as NodeView,
    config: machine.config as unknown as Record<string, unknown>,
    actions: machine.implementations.actions as Record<string, unknown>,
    guards: machine.implementations.guards as Record<string, unknown>,
    nodeByRef: (stateRef) => {
      try {
        return machine.getStateNodeById(stateRef) as unknown as NodeView;
      } catch {
        return undefined;
      }
    },
  };
}

export function isBuiltinAction(ref: unknown): ref is BuiltinAction {
  return typeof ref === 'function' && 'resolve' in ref && typeof (ref as { type?: unknown }).type === 'string';
}

export function isBuiltinGuard(ref: unknown): ref is BuiltinGuard {
  return typeof ref === 'function' && 'check' in ref;
}

// The built-in guards are recognised by their shared module-level `check` functions, which is
// robust against renaming or minification of the wrapper functions.
const checkOf = (g: unknown): unknown => (g as { check: unknown }).check;
const yes = (): boolean => true;
const builtinGuardChecks = {
  not: checkOf(not(yes)),
  and: checkOf(and([yes])),
  or: checkOf(or([yes])),
  stateIn: checkOf(stateIn('x')),
} as const;

export type BuiltinGuardKind = keyof typeof builtinGuardChecks;

export function builtinGuardKind(g: BuiltinGuard): BuiltinGuardKind | undefined {
  for (const kind of Object.keys(builtinGuardChecks) as BuiltinGuardKind[]) {
    if (builtinGuardChecks[kind] === g.check) return kind;
  }
  return undefined;
}

const assignResolve = (assign({}) as unknown as BuiltinAction).resolve;

/** True only for actions built by xstate's own `assign()`. */
export function isAssign(a: BuiltinAction): boolean {
  return a.resolve === assignResolve && a.type === 'xstate.assign';
}

/** The name XState reports for an inline function action. */
export function functionName(f: (...args: never[]) => unknown): string {
  return f.name || '(anonymous)';
}
