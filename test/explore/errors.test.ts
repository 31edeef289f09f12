// An actor that throws is an error outcome of the exploration, counted apart from findings,
// never reported as a found bug. The scenario is broken on purpose past the loader's checks
// (explore() takes a resolved scenario as given); the run refuses it at start.
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { exploreVerdict, formatExplore } from '../../src/explore/format-explore.ts';
import { loadScenario } from '../../src/scenario/load.ts';

describe('exploration errors', () => {
  it('counts seeds whose actor threw as errors, not failing seeds, and says so in the verdict', async () => {
    const { scenario } = loadScenario('vprq-overflow');
    scenario.iommu.prqEntries = 24; // not a power of two: the IOMMU's PRQ refuses it at start
    const r = await explore({ scenario, source: 'vprq-overflow', from: 1, to: 3, jobs: 1 });
    expect(r.errors).toBe(3);
    expect(r.failing).toBe(0);
    expect(r.firstFailure).toBeNull();
    expect(r.firstError?.error).toMatch(/prqEntries/);
    expect(exploreVerdict(r)).toMatch(/^verdict: ERROR — 3 seed\(s\) could not finish/);
    expect(formatExplore(r)).toContain('not a finding');
    expect(formatExplore(r)).toContain('no failing seed');
  });
});
