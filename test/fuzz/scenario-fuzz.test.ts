// The project's own scenario fuzzing (issue 12): every scenario file either is refused with a
// FaultlineError naming a path or runs to its end in the simulator with a verdict whose every
// failure is explained — never another exception, never a hang (the wall-clock cap would say).
// Bounded to seconds in `npm test`; FAULTLINE_FUZZ_LONG=1 runs the long version over the whole
// value space (test/fuzz/scenario-fuzz-support.ts) and prints its counts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge, mutate, mutations, validScenario, type Outcome } from './scenario-fuzz-support.ts';

const long = process.env.FAULTLINE_FUZZ_LONG === '1';
// The long version also draws configurations the loader does not refuse yet (half of the cases).
const scenarios = long ? fc.oneof(validScenario(true), validScenario(false)) : validScenario(true);
const sizes = long ? { valid: 60, mutated: 1500, capMs: 60_000 } : { valid: 3, mutated: 25, capMs: 20_000 };

interface Tally {
  cases: number;
  refused: number;
  ran: number;
  ranFailed: number;
  crashed: number;
  hung: number;
  crashes: string[];
}
const tally = (): Tally => ({ cases: 0, refused: 0, ran: 0, ranFailed: 0, crashed: 0, hung: 0, crashes: [] });

function count(t: Tally, o: Outcome, input: string): void {
  t.cases++;
  if (o.kind === 'refused') t.refused++;
  else if (o.kind === 'ran') {
    t.ran++;
    if (!o.ok) t.ranFailed++;
  } else if (o.kind === 'crashed') {
    t.crashed++;
    t.crashes.push(`${o.error}\n    input: ${input.slice(0, 600)}`);
  } else {
    t.hung++;
    t.crashes.push(`hung (${o.stopReason})\n    input: ${input.slice(0, 600)}`);
  }
}

function judged(o: Outcome): boolean {
  if (o.kind === 'refused') return true;
  return o.kind === 'ran' && o.unexplained.length === 0;
}

function print(name: string, t: Tally): void {
  if (!long) return;
  console.log(`${name}: cases ${t.cases}, refused ${t.refused}, ran ${t.ran} (failed with an explained verdict ${t.ranFailed}), crashed ${t.crashed}, hung ${t.hung}`);
  // One line per kind of crash (numbers folded), with its count and the first input.
  const kinds = new Map<string, { n: number; first: string }>();
  for (const c of t.crashes) {
    const k = c.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 160);
    const e = kinds.get(k);
    if (e) e.n++;
    else kinds.set(k, { n: 1, first: c });
  }
  for (const [, e] of kinds) console.log(`  ${e.n} × ${e.first}`);
}

describe('scenario fuzz', () => {
  it(
    `valid scenarios from the schema's ranges run to their end with a verdict (${sizes.valid} cases)`,
    async () => {
      const t = tally();
      await fc.assert(
        fc.asyncProperty(scenarios, async (s) => {
          const text = JSON.stringify(s);
          const o = await judge(text, sizes.capMs);
          count(t, o, text);
          return long || judged(o);
        }),
        { numRuns: sizes.valid, seed: long ? Date.now() : 12, endOnFailure: !long },
      );
      print('valid', t);
      expect(t.crashed + t.hung, t.crashes.join('\n')).toBe(0);
    },
    long ? 3_600_000 : 120_000,
  );

  it(
    `mutated scenarios (wrong types, unknown keys of every name, extreme values, deleted keys) are refused with a path or run (${sizes.mutated} cases)`,
    async () => {
      const t = tally();
      await fc.assert(
        fc.asyncProperty(scenarios, mutations, async (s, ms) => {
          const text = mutate(s, ms);
          const o = await judge(text, sizes.capMs);
          count(t, o, text);
          return long || judged(o);
        }),
        { numRuns: sizes.mutated, seed: long ? Date.now() : 34, endOnFailure: !long },
      );
      print('mutated', t);
      expect(t.refused).toBeGreaterThan(0);
      expect(t.crashed + t.hung, t.crashes.join('\n')).toBe(0);
    },
    long ? 3_600_000 : 120_000,
  );
});
