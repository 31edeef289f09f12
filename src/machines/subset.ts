// The structural half of the supported subset: which state-node and transition features a
// machine may use. Checked on the whole tree before anything is compiled, so an unsupported
// feature is reported even in a state no test reaches. (Actions and guards are checked where
// they are resolved: compile-actions.ts, compile-guards.ts.)

import { unsupported } from './unsupported.ts';
import type { MachineView, NodeView, TransitionView } from './xstate-view.ts';

const NODE_KEYS = new Set(['id', 'type', 'initial', 'states', 'on', 'entry', 'exit', 'description', 'meta', 'tags']);
const ROOT_ONLY_KEYS = new Set(['context', 'schemas', 'types', 'version']);

/** Config keys with a dedicated explanation; anything else unknown gets a generic one. */
const REJECTED_KEYS: Record<string, [feature: string, instead: string]> = {
  always: ['eventless transitions (always)', 'guard the transition on the event that changes the condition, or send an explicit event'],
  after: ['delayed transitions (after)', "emit a timer effect (e.g. { type: 'timerSet', params }) and handle the timeout event the actor shell sends back"],
  invoke: ['invoked actors (invoke)', 'emit an effect; the actor shell does the work and sends a result event'],
  onDone: ['onDone transitions', 'use a top-level final state (the machine is done) or an explicit event'],
  history: ['history states', 'keep the state to return to in context and branch with guards'],
  output: ['output', 'keep results in context: MachineState carries no output'],
  route: ['route transitions', 'declare ordinary transitions on the states that accept the event'],
};

export function checkStructure(m: MachineView): void {
  if (m.root.type !== 'compound') {
    unsupported(m.id, m.root, 'a machine without child states', "declare states and initial: 'key'");
  }
  checkNode(m, m.root);
}

function checkNode(m: MachineView, node: NodeView): void {
  checkConfigKeys(m, node);
  if (node.type === 'parallel') {
    unsupported(m.id, node, 'parallel states', 'split the regions into separate machines, one per actor, or model the product states explicitly');
  }
  if (node.type === 'history') unsupported(m.id, node, 'history states', REJECTED_KEYS.history![1]);
  if (node.type === 'final' && node.parent !== m.root) {
    unsupported(m.id, node, 'nested final states', 'only top-level final states (the machine is done) are supported; use an atomic state and an explicit event');
  }
  if (node.config.initial !== undefined && typeof node.config.initial !== 'string') {
    unsupported(m.id, node, 'object-form initial (initial transition actions)', "use initial: 'key' and put the actions in that state's entry");
  }
  for (const key of Object.keys(node.states)) {
    if (key.includes('.')) unsupported(m.id, node, `state key '${key}' containing '.'`, 'rename the state; values are dotted key paths');
  }
  for (const [descriptor, transitions] of node.transitions) {
    checkDescriptor(m, node, descriptor);
    for (const t of transitions) checkTransition(m, node, t);
  }
  for (const child of Object.values(node.states)) checkNode(m, child);
}

function checkConfigKeys(m: MachineView, node: NodeView): void {
  for (const key of Object.keys(node.config)) {
    if (node.config[key] === undefined) continue;
    if (NODE_KEYS.has(key) || (node === m.root && ROOT_ONLY_KEYS.has(key))) continue;
    const known = REJECTED_KEYS[key];
    if (known) unsupported(m.id, node, known[0], known[1]);
    unsupported(m.id, node, `config key '${key}'`, 'remove it, or extend src/machines (compile + executor + differential test) to support it');
  }
}

/** Exact types, '*', and a trailing 'prefix.*'; XState only warns about the rest. */
function checkDescriptor(m: MachineView, node: NodeView, descriptor: string): void {
  if (descriptor.startsWith('xstate.')) {
    unsupported(m.id, node, `transitions on XState internal events ('${descriptor}')`, 'use application events; the executor never produces xstate.* events');
  }
  const star = descriptor.indexOf('*');
  if (star === -1 || descriptor === '*') return;
  if (descriptor.endsWith('.*') && star === descriptor.length - 1) return;
  unsupported(m.id, node, `wildcard descriptor '${descriptor}'`, "use '*' or a single trailing wildcard token such as 'prq.*'");
}

function checkTransition(m: MachineView, node: NodeView, t: TransitionView): void {
  if (t.target && t.target.length > 1) {
    unsupported(m.id, node, `multiple targets on '${t.eventType}'`, 'target one state (multiple targets only make sense with parallel states)');
  }
}
