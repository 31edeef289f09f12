// compileMachine: turns an XState v5 machine object into the executor's table. Per active leaf
// and event type it lists the candidate transitions in XState's selection order (leaf first,
// then ancestors; per node exact descriptor first, then wildcards longest first), each with its
// guard resolved to a predicate and its whole microstep — exit, transition, entry and, when the
// machine finishes, final exit actions — flattened into one op list.

import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import { compileActions } from './compile-actions.ts';
import { compileGuard } from './compile-guards.ts';
import { matchesDescriptor } from './descriptor.ts';
import { checkStructure } from './subset.ts';
import { chainOf, planInitial, planTransition } from './topology.ts';
import type { MicrostepPlan } from './topology.ts';
import type { CompiledInitial, CompiledLeaf, CompiledMachine, CompiledTransition, Op } from './types.ts';
import { viewMachine } from './xstate-view.ts';
import type { MachineView, NodeView, TransitionView } from './xstate-view.ts';

export type CompiledFor<M extends AnyStateMachine> = CompiledMachine<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>>;

/** Unknown event types resolved through wildcards are cached per leaf up to this many. */
const WILDCARD_CACHE_ENTRIES_MAX = 1024;

export function compileMachine<M extends AnyStateMachine>(machine: M): CompiledFor<M> {
  const m = viewMachine(machine);
  checkStructure(m);
  const nodes = allNodes(m.root);
  const leaves = nodes.filter((n) => n.type === 'atomic' || n.type === 'final');
  const leafIndex = new Map(leaves.map((n, i) => [n, i] as const));
  const c: Compiler = { m, leafIndex, entryOps: new Map(), exitOps: new Map() };
  for (const n of nodes) {
    // Compiled eagerly so that unsupported actions are refused even in unreachable states.
    c.entryOps.set(n, compileActions({ machine: m, node: n, where: 'entry' }, n.entry));
    c.exitOps.set(n, compileActions({ machine: m, node: n, where: 'exit' }, n.exit));
  }
  validateAllTransitions(c, nodes, leaves);
  const exactTypes = new Set<string>();
  for (const n of nodes) for (const d of n.transitions.keys()) if (!d.includes('*')) exactTypes.add(d);

  const compiledLeaves = leaves.map((leaf, i) => compileLeaf(c, leaf, i, exactTypes));
  const byValue = new Map(compiledLeaves.map((l) => [l.value, l] as const));
  return { machineId: m.id, leaves: compiledLeaves, byValue, initial: compileInitial(c) };
}

interface Compiler {
  readonly m: MachineView;
  readonly leafIndex: ReadonlyMap<NodeView, number>;
  readonly entryOps: Map<NodeView, Op[]>;
  readonly exitOps: Map<NodeView, Op[]>;
}

/** Resolves every transition's guard and actions once, so that errors do not depend on reachability. */
function validateAllTransitions(c: Compiler, nodes: readonly NodeView[], leaves: readonly NodeView[]): void {
  const someLeaf = leaves[0]!;
  for (const node of nodes) {
    for (const [descriptor, transitions] of node.transitions) {
      for (const t of transitions) {
        compileGuard({ machine: c.m, node, active: chainOf(someLeaf), leafValue: leafValueOf(someLeaf) }, t.guard);
        compileActions({ machine: c.m, node, where: `transition on '${descriptor}'` }, t.actions);
      }
    }
  }
}

function allNodes(root: NodeView): NodeView[] {
  const out: NodeView[] = [];
  const visit = (n: NodeView): void => {
    out.push(n);
    for (const child of Object.values(n.states)) visit(child);
  };
  visit(root);
  return out;
}

/** A leaf's state value, interned (as a property key is): the generated step's switch compares it with its literals. */
function leafValueOf(leaf: NodeView): string {
  return Object.keys({ [leaf.path.join('.')]: 0 })[0]!;
}

function compileInitial(c: Compiler): CompiledInitial {
  const plan = planInitial(c.m.root);
  const context = c.m.config.context;
  const done = plan.leaf.type === 'final';
  return {
    contextFn: typeof context === 'function' ? (context as (args: { input: unknown }) => unknown) : null,
    context: typeof context === 'function' || !context ? {} : context,
    ops: microstepOps(c, plan, [], done),
    leafIndex: c.leafIndex.get(plan.leaf)!,
    value: leafValueOf(plan.leaf),
    done,
  };
}

function microstepOps(c: Compiler, plan: MicrostepPlan, transitionOps: readonly Op[], done: boolean): Op[] {
  const ops: Op[] = [];
  for (const n of plan.exits) ops.push(...c.exitOps.get(n)!);
  ops.push(...transitionOps);
  for (const n of plan.entries) ops.push(...c.entryOps.get(n)!);
  // XState runs the exit actions of the whole final configuration when the machine is done.
  if (done) for (const n of plan.configuration) ops.push(...c.exitOps.get(n)!);
  return ops;
}

function compileLeaf(c: Compiler, leaf: NodeView, index: number, exactTypes: ReadonlySet<string>): CompiledLeaf {
  const value = leafValueOf(leaf);
  const final = leaf.type === 'final';
  const chain = chainOf(leaf);
  const compiled = new Map<TransitionView, CompiledTransition | null>();
  const candidatesFor = (eventType: string): CompiledTransition[] => {
    const out: CompiledTransition[] = [];
    for (const node of chain) {
      for (const t of nodeCandidates(node, eventType)) {
        if (!compiled.has(t)) compiled.set(t, compileTransition(c, leaf, value, t));
        const ct = compiled.get(t);
        if (!ct) continue; // guard folded to false
        out.push(ct);
        if (ct.guard === null) return out; // later candidates can never be selected
      }
    }
    return out;
  };
  const byEvent = new Map<string, readonly CompiledTransition[]>();
  if (!final) {
    for (const type of exactTypes) {
      const list = candidatesFor(type);
      if (list.length) byEvent.set(type, list);
    }
  }
  const hasWildcard = chain.some((n) => [...n.transitions.keys()].some((d) => d.includes('*')));
  return { index, value, final, byEvent, wildcard: hasWildcard && !final ? wildcardResolver(candidatesFor) : null };
}

function wildcardResolver(candidatesFor: (t: string) => CompiledTransition[]): (t: string) => readonly CompiledTransition[] {
  const cache = new Map<string, readonly CompiledTransition[]>();
  return (eventType) => {
    const hit = cache.get(eventType);
    if (hit) return hit;
    const list = candidatesFor(eventType);
    if (cache.size < WILDCARD_CACHE_ENTRIES_MAX) cache.set(eventType, list);
    return list;
  };
}

/** xstate's getCandidates: the exact descriptor's transitions, then matching wildcards, longest first. */
function nodeCandidates(node: NodeView, eventType: string): readonly TransitionView[] {
  const exact = node.transitions.get(eventType) ?? [];
  const wild = [...node.transitions.keys()]
    .filter((d) => d !== eventType && matchesDescriptor(eventType, d))
    .sort((a, b) => b.length - a.length)
    .flatMap((d) => node.transitions.get(d) ?? []);
  return wild.length ? [...exact, ...wild] : exact;
}

function compileTransition(c: Compiler, leaf: NodeView, leafValue: string, t: TransitionView): CompiledTransition | null {
  const node = t.source;
  const guard = compileGuard({ machine: c.m, node, active: chainOf(leaf), leafValue }, t.guard);
  if (guard === false) return null;
  const actionOps = compileActions({ machine: c.m, node, where: `transition on '${t.eventType}'` }, t.actions);
  const base = { guard: guard === true ? null : guard, reenter: t.reenter, descriptor: t.eventType, sourceId: node.id };
  if (!t.target || t.target.length === 0) {
    const index = c.leafIndex.get(leaf)!;
    return { ...base, targetIndex: index, targetValue: leafValue, targetless: true, done: false, ops: actionOps };
  }
  const plan = planTransition(t, leaf, c.m.root);
  const done = plan.leaf.type === 'final';
  return {
    ...base,
    targetIndex: c.leafIndex.get(plan.leaf)!,
    targetValue: leafValueOf(plan.leaf),
    targetless: false,
    done,
    ops: microstepOps(c, plan, actionOps, done),
  };
}
