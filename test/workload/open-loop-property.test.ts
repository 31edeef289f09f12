// Open-loop workloads against the whole nested path (simulator): for random processes, rates,
// scopes, patterns, group-size distributions and backlog bounds, every run holds every invariant
// and end-of-run check, and the device accounts for every arrival — issued at once, issued from
// the backlog, dropped with a reason, or still waiting at the end — none vanishes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { loadScenario, resolveScenario } from '../../src/scenario/load.ts';
import { parseSetOption } from '../../src/scenario/overrides.ts';

interface Arrivals {
  generated: number;
  issuedAtOnce: number;
  issuedFromBacklog: number;
  dropped: Record<string, number>;
}

const arrival = fc.oneof(
  fc.record({ process: fc.constantFrom('poisson', 'constant'), ratePerSec: fc.integer({ min: 1_000, max: 120_000 }), per: fc.constantFrom('space', 'function') }),
  fc.record({
    process: fc.constant('onoff'),
    ratePerSec: fc.integer({ min: 10_000, max: 400_000 }),
    onMeanNs: fc.integer({ min: 1_000, max: 200_000 }),
    offMeanNs: fc.integer({ min: 1_000, max: 200_000 }),
    per: fc.constantFrom('space', 'function'),
  }),
);
const pattern = fc.oneof(
  fc.constantFrom('sequential', 'uniform', 'strided', 'hotset', 'zipf'),
  fc.record({ kind: fc.constant('zipf'), skew: fc.double({ min: 0.1, max: 3, noNaN: true }) }),
  fc.record({ kind: fc.constant('hotset'), hotFraction: fc.double({ min: 0, max: 1, noNaN: true }), hotProbability: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
const groupPages = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.record({ dist: fc.constant('uniform'), min: fc.constant(1), max: fc.integer({ min: 1, max: 4 }) }));

describe('open-loop workloads on the nested path', () => {
  it('hold every invariant and account for every arrival', async () => {
    const { scenario } = loadScenario('prq-knee');
    await fc.assert(
      fc.asyncProperty(
        arrival,
        pattern,
        groupPages,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        async (a, p, g, backlogMax, inFlight, seed) => {
          const set = [
            `workload.arrival=${JSON.stringify(a)}`,
            `workload.pattern=${JSON.stringify(p)}`,
            `workload.pagesPerGroup=${JSON.stringify(g)}`,
            `workload.backlogMax=${backlogMax}`,
            `workload.inFlight=${inFlight}`,
          ];
          const s = resolveScenario(scenario, set.map(parseSetOption));
          const r = await runNested(s, { runtime: 'sim', seed });
          expect(
            r.checks.filter((c) => !c.ok),
            set.join(' '),
          ).toEqual([]);
          expect(r.checker?.violations ?? [], set.join(' ')).toEqual([]);
          const device = r.tiers.device as { arrivals: Arrivals; arrivalsBacklogged: number };
          const x = device.arrivals;
          const dropped = Object.values(x.dropped).reduce((n, d) => n + d, 0);
          expect(x.issuedAtOnce + x.issuedFromBacklog + dropped + device.arrivalsBacklogged, set.join(' ')).toBe(x.generated);
          expect(r.drops['device.arrival.backlogFull']).toBe(x.dropped.backlogFull);
        },
      ),
      { numRuns: 12, seed: 13 },
    );
  }, 120_000);
});
