// The causal chains left out: what the checker holds instead of Chains (chains.ts) when a run
// keeps no causal slices. Keeping them is about a tenth of a simulator run with the checker on
// (issue 9), and only a violation reads them; the simulator, being exact to replay, runs without
// them and runs a violating run again with them (src/runtime/nested-run.ts). A violation judged
// here carries an empty chain.

import type { CheckEvent } from '../protocol/messages.ts';
import type { Stamped } from './chains.ts';
import type { ChainEntry } from './types.ts';

/** The same calls as Chains, each doing nothing, so the checker's judging has no branch for it. */
export class NoChains {
  add(_ghost: number, _order: number, _seq: number, _timeNs: number, _actor: number, _event: CheckEvent, _type: number): void {}

  addPage(_asid: number, _page: number, _order: number, _seq: number, _timeNs: number, _actor: number, _event: CheckEvent, _type: number): void {}

  retire(_ghost: number): void {}

  chainOf(_ghosts: number[], _render: (s: Stamped) => ChainEntry, _page?: { asid: number; page: number }): ChainEntry[] {
    return [];
  }
}
