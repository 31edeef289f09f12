// Bug toggle atc-before-iotlb (R18) on scenario atc-before-iotlb: with IOTLB invalidations
// that take time (iommu.iotlbInvLatencyNs), sending the device-TLB invalidation first lets the
// device refill its ATC from the old IOTLB entry. Exploration finds the I3 violation within 20
// seeds and the replay line reproduces it (same invariant, ghosts and message); without the
// toggle the runs stay clean and reach the scenario's marks.

import { describe, expect, it } from 'vitest';
import { explore, formatExplore } from '../../src/explore/explore.ts';
import { formatReplay, parseReplay, runReplay } from '../../src/cli/replay.ts';

const SCENARIO = 'atc-before-iotlb';
const BUG = 'atc-before-iotlb';
const MARKS = ['guest.unmap', 'iommu.ats-hit-during-iotlb-inv', 'device.refault'];

describe(`${SCENARIO}: the R18 command order made observable`, () => {
  it(`--bug ${BUG}: I3 within 20 seeds, and the replay line reproduces it`, async () => {
    const r = await explore({ ref: SCENARIO, from: 1, to: 20, bugs: [BUG], jobs: 1, stopAtFirst: true });
    const f = r.firstFailure;
    expect(f, formatExplore(r)).not.toBeNull();
    expect(r.perInvariant.find((i) => i.id === 'I3')!.failingSeeds).toBeGreaterThan(0);
    const first = f!.violations.find((v) => v.invariant === 'I3')!;
    expect(first).toBeDefined();
    expect(f!.replay).toBe(`faultline run ${SCENARIO} --runtime sim --seed ${f!.seed} --duration-ms ${r.durationMs} --bug ${BUG}`);

    const spec = parseReplay([`${f!.replay}   (re-runs the scenario deterministically with this seed)`]);
    const rep = await runReplay(spec);
    expect(rep.ok).toBe(false);
    expect(rep.traceHash).toBe(f!.traceHash);
    const again = rep.checker!.violations.find((v) => v.invariant === 'I3')!;
    expect({ invariant: again.invariant, ghosts: again.ghosts, first: again.message }).toEqual(first);
    const text = formatReplay(spec, rep);
    expect(text).toContain(`violation I3: ${first.first}`);
    expect(text).toMatch(/^reproduced: \d+ violation/m);
  }, 20_000);

  it('without the toggle seeds 1..5 hold every invariant and reach every mark', async () => {
    const r = await explore({ ref: SCENARIO, from: 1, to: 5, bugs: [], jobs: 1 });
    expect(r.failing, formatExplore(r)).toBe(0);
    for (const name of MARKS) expect(r.marks.find((m) => m.name === name)?.seeds, name).toBe(5);
  }, 20_000);
});
