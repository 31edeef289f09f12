// Which state nodes a transition exits and enters, computed once at compile time. Without
// parallel and history states a configuration is fully determined by its active leaf, so the
// SCXML exit/entry sets XState computes on every event (getTransitionDomain, computeExitSet,
// computeEntrySet in xstate's stateUtils) can be precomputed per (leaf, transition). The
// functions below mirror XState v5.33's for that subset, quirks included (e.g. a transition
// from the root with `reenter: true` exits and re-enters the root).

import type { NodeView, TransitionView } from './xstate-view.ts';

export interface MicrostepPlan {
  /** Nodes whose exit actions run, in order (deepest / latest in document order first). */
  readonly exits: readonly NodeView[];
  /** Nodes whose entry actions run, in document order. */
  readonly entries: readonly NodeView[];
  /** The active leaf afterwards. */
  readonly leaf: NodeView;
  /** The configuration afterwards: the leaf and all its ancestors, deepest first. */
  readonly configuration: readonly NodeView[];
}

/** The leaf and its ancestors up to the root, deepest first. */
export function chainOf(leaf: NodeView): NodeView[] {
  const chain: NodeView[] = [];
  for (let n: NodeView | undefined = leaf; n; n = n.parent) chain.push(n);
  return chain;
}

/** Strict descendant; every node is a descendant of `undefined` (as in XState). */
export function isDescendant(child: NodeView, parent: NodeView | undefined): boolean {
  let marker = child;
  while (marker.parent && marker.parent !== parent) marker = marker.parent;
  return marker.parent === parent;
}

function properAncestors(node: NodeView, upTo: NodeView | undefined): NodeView[] {
  const out: NodeView[] = [];
  if (upTo === node) return out;
  for (let m = node.parent; m && m !== upTo; m = m.parent) out.push(m);
  return out;
}

/** The default entry chain below `node`: its initial child, that child's initial child, … */
function defaultDescendants(node: NodeView): NodeView[] {
  const out: NodeView[] = [];
  let n = node;
  while (n.type === 'compound') {
    const key = n.config.initial as string;
    const child = n.states[key];
    if (!child) throw new Error(`internal: missing initial '${key}' of ${n.id}`);
    out.push(child);
    n = child;
  }
  return out;
}

function transitionDomain(t: TransitionView, target: NodeView, root: NodeView): NodeView | undefined {
  const source = t.source;
  if (!t.reenter && (target === source || isDescendant(target, source))) return source;
  for (const anc of properAncestors(target, undefined)) {
    if (isDescendant(source, anc)) return anc;
  }
  return t.reenter ? undefined : root;
}

/** The microstep for a targeted transition `t` taken while `leaf` is active. */
export function planTransition(t: TransitionView, leaf: NodeView, root: NodeView): MicrostepPlan {
  const target = t.target?.[0];
  if (!target) throw new Error('internal: planTransition needs a target');
  const active = chainOf(leaf);
  const domain = transitionDomain(t, target, root);

  const exitSet = new Set<NodeView>();
  if (t.reenter && t.source === domain && domain) exitSet.add(domain);
  for (const n of active) if (isDescendant(n, domain)) exitSet.add(n);

  const entrySet = new Set<NodeView>();
  if (t.source !== target || t.source !== domain || t.reenter) entrySet.add(target);
  for (const d of defaultDescendants(target)) entrySet.add(d);
  const reentrancyDomain = !t.source.parent && t.reenter ? undefined : domain;
  for (const anc of properAncestors(target, domain)) {
    if (!reentrancyDomain || isDescendant(anc, reentrancyDomain)) entrySet.add(anc);
  }

  const next = new Set(active.filter((n) => !exitSet.has(n)));
  for (const n of entrySet) next.add(n);
  return {
    exits: [...exitSet].sort((a, b) => b.order - a.order),
    entries: [...entrySet].sort((a, b) => a.order - b.order),
    ...settle(next),
  };
}

/** The initial microstep: the root and its default entry chain are entered. */
export function planInitial(root: NodeView): MicrostepPlan {
  const entries = [root, ...defaultDescendants(root)];
  return { exits: [], entries, ...settle(new Set(entries)) };
}

function settle(next: Set<NodeView>): { leaf: NodeView; configuration: NodeView[] } {
  const nodes = [...next].sort((a, b) => b.order - a.order);
  const leaf = nodes.reduce((deepest, n) => (n.path.length > deepest.path.length ? n : deepest));
  const configuration = chainOf(leaf);
  if (configuration.length !== next.size || configuration.some((n) => !next.has(n)) || leaf.type === 'compound') {
    throw new Error(`internal: configuration {${nodes.map((n) => n.id).join(', ')}} is not a single active chain`);
  }
  return { leaf, configuration };
}
