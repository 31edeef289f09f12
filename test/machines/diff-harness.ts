// Differential check of a MachineExecutor against XState's own initialTransition()/transition().
// Paths come from xstate/graph (shortest and simple paths over an explicit event list); along
// every path, at every step, every listed event is also probed one step ahead, so unhandled
// events and both sides of every guard are compared too. The executor is always fed a
// structuredClone of its previous state, which proves MachineState is plain data.
// Returns mismatches instead of throwing, so a test can also show that the check can fail.
//
// One deliberate deviation from raw transition(): once XState reports status 'done', the
// expected outcome of any event is "nothing happens", as for an actor (raw transition() keeps
// running root-level handlers on a done snapshot).

import { isDeepStrictEqual } from 'node:util';
import { initialTransition, transition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { effectsOf, machineStateOf } from '../../src/machines/reference.ts';
import type { Effect, MachineExecutor, MachineState } from '../../src/machines/types.ts';

export interface Mismatch {
  machineId: string;
  /** Events from the initial state up to and including the one that disagreed. */
  events: EventObject[];
  via: 'initial' | 'send' | 'step';
  field: 'value' | 'context' | 'status' | 'effects' | 'handled' | 'throws' | 'send mutated its input';
  expected: unknown;
  actual: unknown;
}

export interface DiffReport {
  mismatches: Mismatch[];
  paths: number;
  comparisons: number;
  /** Leaf values the walk visited. */
  statesSeen: Set<string>;
  /** `${sourceId} ${descriptor} #${index}` of transitions XState never selected during the walk. */
  transitionsNeverTaken: string[];
}

export interface DiffOptions<TEvent extends EventObject> {
  events: readonly TEvent[];
  input?: unknown;
  /** Also walk getSimplePaths (default false: explodes on strongly connected graphs). Shortest
   * paths plus the one-step probes already compare every reachable (state, event) edge. */
  simplePaths?: boolean;
  /** xstate/graph traversal limit (default 20 000). */
  traversalStatesMax?: number;
  /** Stop collecting after this many mismatches. */
  mismatchesMax?: number;
  /** How the graph walk tells states apart (default: value and context); a machine whose context counts around a cycle passes one that ignores the counters. */
  serializeState?: (s: AnyMachineSnapshot) => string;
}

type AnyExecutor = MachineExecutor<unknown, EventObject, unknown>;

interface Expected {
  state: MachineState<unknown>;
  effects: Effect[];
  handled: boolean;
  snapshot: AnyMachineSnapshot;
}

export function diffAgainstXState<TContext, TEvent extends EventObject, TInput>(
  machine: AnyStateMachine,
  executor: MachineExecutor<TContext, TEvent, TInput>,
  options: DiffOptions<TEvent>,
): DiffReport {
  const exec = executor as unknown as AnyExecutor;
  const mismatchesMax = options.mismatchesMax ?? 50;
  const report: DiffReport = { mismatches: [], paths: 0, comparisons: 0, statesSeen: new Set(), transitionsNeverTaken: [] };
  const taken = new Set<unknown>();
  for (const events of enumeratePaths(machine, options)) {
    report.paths++;
    walkPath(machine, exec, options as DiffOptions<EventObject>, events, report, taken);
    if (report.mismatches.length >= mismatchesMax) break;
  }
  report.transitionsNeverTaken = allTransitions(machine)
    .filter(([t]) => !taken.has(t))
    .map(([, name]) => name);
  return report;
}

function enumeratePaths<TEvent extends EventObject>(machine: AnyStateMachine, options: DiffOptions<TEvent>): EventObject[][] {
  const traversal = {
    events: options.events,
    input: options.input,
    stopWhen: (s: AnyMachineSnapshot) => s.status !== 'active',
    // A fixture whose context grows without bound would otherwise hang the walk.
    limit: options.traversalStatesMax ?? 20_000,
    ...(options.serializeState ? { serializeState: options.serializeState } : {}),
  };
  const paths = getShortestPaths(machine, traversal as never);
  const all = options.simplePaths !== true ? paths : [...paths, ...getSimplePaths(machine, traversal as never)];
  // alterPath() puts xstate.init first; the rest are the events along the path.
  return all.map((p) => p.steps.slice(1).map((s) => s.event as EventObject));
}

function walkPath(machine: AnyStateMachine, exec: AnyExecutor, options: DiffOptions<EventObject>, events: EventObject[], report: DiffReport, taken: Set<unknown>): void {
  const [snapshot0, actions0] = initialTransition(machine, options.input as never);
  const init = exec.initialTransition(options.input);
  compare(report, machine.id, [], 'initial', { state: machineStateOf(snapshot0), effects: effectsOf(actions0 as never), handled: true, snapshot: snapshot0 }, { ...init, handled: true });
  let snapshot = snapshot0 as AnyMachineSnapshot;
  let state = init.state;
  for (let i = 0; i <= events.length; i++) {
    const prefix = events.slice(0, i);
    report.statesSeen.add(state.value);
    for (const probe of options.events) checkOne(machine, exec, report, taken, snapshot, state, [...prefix, probe]);
    const ev = events[i];
    if (ev === undefined) break;
    const expected = expectedStep(machine, snapshot, ev, taken);
    snapshot = expected.snapshot;
    state = exec.send(structuredClone(state), ev).state;
  }
}

function checkOne(machine: AnyStateMachine, exec: AnyExecutor, report: DiffReport, taken: Set<unknown>, snapshot: AnyMachineSnapshot, state: MachineState<unknown>, events: EventObject[]): void {
  const ev = events[events.length - 1]!;
  const expected = expectedStep(machine, snapshot, ev, taken);

  const input = structuredClone(state);
  const frozenCopy = structuredClone(state);
  const viaSend = attempt(() => ({ ...exec.send(input, ev), handled: undefined }));
  if (!isDeepStrictEqual(input, frozenCopy)) {
    push(report, { machineId: machine.id, events, via: 'send', field: 'send mutated its input', expected: frozenCopy, actual: input });
  }
  const inPlace = structuredClone(state);
  const out: Effect[] = [];
  const viaStep = attempt(() => ({ state: inPlace, effects: out, handled: exec.step(inPlace, ev, out) }));
  for (const [via, actual] of [
    ['send', viaSend],
    ['step', viaStep],
  ] as const) {
    if ('error' in actual) {
      push(report, { machineId: machine.id, events, via, field: 'throws', expected: 'no error', actual: actual.error });
    } else {
      compare(report, machine.id, events, via, expected, actual);
    }
  }
}

function expectedStep(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, ev: EventObject, taken: Set<unknown>): Expected {
  if (snapshot.status !== 'active') {
    return { state: machineStateOf(snapshot), effects: [], handled: false, snapshot };
  }
  const selected = machine.getTransitionData(snapshot as never, ev as never);
  for (const t of selected) taken.add(t);
  const [next, actions] = transition(machine, snapshot as never, ev as never);
  return { state: machineStateOf(next as AnyMachineSnapshot), effects: effectsOf(actions as never), handled: selected.length > 0, snapshot: next as AnyMachineSnapshot };
}

function compare(
  report: DiffReport,
  machineId: string,
  events: EventObject[],
  via: Mismatch['via'],
  expected: Expected,
  actual: { state: MachineState<unknown>; effects: Effect[]; handled: boolean | undefined },
): void {
  report.comparisons++;
  const fields = [
    ['value', expected.state.value, actual.state.value],
    ['status', expected.state.status, actual.state.status],
    ['context', expected.state.context, actual.state.context],
    ['effects', plainEffects(expected.effects), plainEffects(actual.effects)],
  ] as const;
  for (const [field, e, a] of fields) {
    if (!isDeepStrictEqual(e, a)) push(report, { machineId, events, via, field, expected: e, actual: a });
  }
  if (actual.handled !== undefined && actual.handled !== expected.handled) {
    push(report, { machineId, events, via, field: 'handled', expected: expected.handled, actual: actual.handled });
  }
}

function plainEffects(effects: readonly Effect[]): Array<{ type: string; params: unknown }> {
  return effects.map((e) => ({ type: e.type, params: e.params }));
}

function push(report: DiffReport, m: Mismatch): void {
  report.mismatches.push(m);
}

function attempt<T>(f: () => T): T | { error: unknown } {
  try {
    return f();
  } catch (error) {
    return { error };
  }
}

interface NodeLike {
  id: string;
  transitions: Map<string, unknown[]>;
  states: Record<string, NodeLike>;
}

function allTransitions(machine: AnyStateMachine): Array<[unknown, string]> {
  const out: Array<[unknown, string]> = [];
  const visit = (n: NodeLike): void => {
    if ((n as unknown as { type: string }).type === 'final') return;
    for (const [descriptor, ts] of n.transitions) ts.forEach((t, i) => out.push([t, `${n.id} ${descriptor} #${i}`]));
    for (const child of Object.values(n.states)) visit(child);
  };
  visit(machine.root as unknown as NodeLike);
  return out;
}

/** A readable one-line summary of the first few mismatches, for assertion messages. */
export function describeMismatches(mismatches: readonly Mismatch[], max = 5): string {
  return mismatches
    .slice(0, max)
    .map((m) => `${m.machineId} [${m.events.map((e) => e.type).join(' → ')}] via ${m.via}: ${m.field} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual) ?? String(m.actual)}`)
    .join('\n');
}
