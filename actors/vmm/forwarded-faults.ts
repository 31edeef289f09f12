// The compiled forwarded-fault machine (machines/forwarded-fault.machine.ts) as the vmm
// tier runs it, and the one effect it emits turned into response records.

import { forwardedFaultMachine } from '../../machines/forwarded-fault.machine.ts';
import { executorFor, type Effect } from '../../src/machines/index.ts';

export const forwardedFault = executorFor(forwardedFaultMachine);

export interface ResponseRecord {
  cookie: number;
  code: number;
}

export function collectWrites(effects: Effect[], writes: ResponseRecord[]): void {
  for (const e of effects) if (e.type === 'writeResponse') writes.push(e.params as ResponseRecord);
}
