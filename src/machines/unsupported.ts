// The one way the compiler refuses a machine: a FaultlineError that names the machine, the
// state path, the feature and what to do instead, so the author can fix the definition.

import { FaultlineError } from '../util/errors.ts';
import type { NodeView } from './xstate-view.ts';

export const MACHINE_UNSUPPORTED = 'FAULTLINE_MACHINE_UNSUPPORTED';

/** '(root)' for the machine node, else the dotted key path. */
export function statePathOf(node: NodeView): string {
  return node.path.length === 0 ? '(root)' : node.path.join('.');
}

export function unsupported(machineId: string, node: NodeView, feature: string, instead: string): never {
  const statePath = statePathOf(node);
  throw new FaultlineError(
    MACHINE_UNSUPPORTED,
    `machine '${machineId}', state '${statePath}': unsupported feature: ${feature}. The compiled ` +
      `machine executor runs a subset of XState v5; instead, ${instead}. (See src/machines/README.md, "Supported subset".)`,
    { machineId, statePath, feature },
  );
}
