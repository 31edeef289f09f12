// Regression guard for the checker's allocation per group (issue 9) that times nothing: the
// records it keeps per page request group (group table entries, response lists, metrics
// flights) are reused once a group leaves the finished window, so the number it allocates is
// bounded by the groups in flight plus the window, not by the length of the run. Records held
// as long as a group lives are promoted out of V8's young generation, and allocating one per
// group was most of the checker's GC cost; this counts them deterministically.
import { describe, expect, it } from 'vitest';
import { Checker } from '../../src/check/checker.ts';
import type { CheckEvent } from '../../src/protocol/messages.ts';
import { roundTrip } from './history.ts';

const inFlight = 32;
const window = 256;

/** `groups` round trips, `inFlight` at a time with their events interleaved, through one checker. */
function run(groups: number): { checker: Checker; failed: string[] } {
  const checker = new Checker({ actorNames: ['device', 'iommu', 'host', 'vmm', 'guest'], finishedGroupsMax: window });
  let seq = 0;
  for (let first = 1; first <= groups; first += inFlight) {
    const histories: CheckEvent[][] = [];
    for (let j = 0; j < inFlight && first + j <= groups; j++) histories.push(roundTrip(first + j, j));
    const longest = Math.max(...histories.map((h) => h.length));
    for (let i = 0; i < longest; i++) {
      for (const h of histories) {
        if (i >= h.length) continue;
        checker.event(h[i]!, seq, seq * 10, 0);
        seq++;
      }
    }
  }
  const r = checker.finish({ quiescent: true, stopReason: 'quiescent' });
  return { checker, failed: r.invariants.filter((v) => v.ok === false).map((v) => v.id) };
}

describe('checker records per group', () => {
  const short = run(4_000);
  const long = run(16_000);

  it('judges the histories correct (the guard runs the real checker)', () => {
    expect(short.failed).toEqual([]);
    expect(long.failed).toEqual([]);
    expect(long.checker.events).toBe(4 * short.checker.events);
  });

  it('allocates no more records over 16 000 groups than over 4 000: they are reused', () => {
    expect(long.checker.recordsMade).toBe(short.checker.recordsMade);
  });

  it('allocates at most one record of each kind per group in flight or in the finished window', () => {
    // Group records: the window plus those in flight; response lists and flights: those in flight.
    expect(long.checker.recordsMade).toBeLessThanOrEqual(window + 3 * inFlight + 3);
    expect(long.checker.recordsMade).toBeGreaterThan(window);
  });
});
