// The compiled forwarded-fault machine (machines/forwarded-fault.machine.ts) as the vmm
// tier runs it, and the one effect it emits turned into response records.

import { forwardedFaultMachine } from '../../machines/forwarded-fault.machine.ts';
import { executorFor, type Effect } from '../../src/machines/index.ts';
import { newResponseRecord } from './records.ts';
import type { VmmState } from './vmm-state.ts';

export const forwardedFault = executorFor(forwardedFaultMachine);

export interface ResponseRecord {
  cookie: number;
  code: number;
  /** The group's simulator-only ghost id, for hop stamps; never written to the host. */
  ghost: number;
  /** The fault fd the cookie belongs to (the write goes there). */
  fd: number;
  /** The address space answered (-1: none), so a teardown can drop records of a space it auto-answered. */
  asid: number;
}

/** The machine's `writeResponse` effects as response records of the group `ghost`, read from `fd`, of space `asid`. */
export function collectWrites(s: VmmState, effects: Effect[], writes: ResponseRecord[], ghost: number, fd: number, asid: number): void {
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    if (e.type !== 'writeResponse') continue;
    const p = e.params as { cookie: number; code: number };
    writes.push(newResponseRecord(s, p.cookie, p.code, ghost, fd, asid));
  }
}
