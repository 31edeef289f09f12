// Regression (issue 12): a single destroyHwpt or closeFaultFd timeline event in a scenario where
// the guest also unmaps pages gave I3 ("translation used after its invalidation completed") with
// no bug toggle on. The model was wrong, not the checker: DETACH / REPLACE left the old PASID
// entry's IOTLB and ATC entries in place and the IOMMU kept translating the detached space through
// the guest's stage 1, while the guest's later unmaps were no longer forwarded (no hwpt) and their
// waits completed at once. The kernel tears the entry down and flushes IOTLB and device TLB before
// the ioctl returns (intel_pasid_tear_down_entry / intel_pasid_flush_present); so does the model
// now (actors/host/pasid-entry.ts). The seeds are the ones that failed before the fix.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { parseScenarioText, resolveScenarioPath } from '../../src/scenario/load.ts';

function withEvent(base: string, action: string, durationMs: number) {
  const text = `${readFileSync(resolveScenarioPath(base), 'utf8').replace(/^durationMs: .*$/m, `durationMs: ${durationMs}`)}\nevents:\n  - { atMs: 0.5, action: ${action}, device: gpu0 }\n`;
  return parseScenarioText(text, `${base}+${action}`);
}

const cases: { base: string; action: string; durationMs: number; seeds: number[] }[] = [
  { base: 'invalidate-vs-fault', action: 'closeFaultFd', durationMs: 1, seeds: [1, 2] },
  { base: 'invalidate-vs-fault', action: 'destroyHwpt', durationMs: 1, seeds: [4] },
  { base: 'ats-vs-atc-invalidate', action: 'closeFaultFd', durationMs: 2, seeds: [1, 2] },
  { base: 'ats-vs-atc-invalidate', action: 'destroyHwpt', durationMs: 2, seeds: [1, 2] },
];

describe('a teardown event while the guest unmaps pages (toggles off)', () => {
  for (const c of cases) {
    it(`${c.base} + ${c.action}: I3 holds, the old entry is flushed, every check passes`, async () => {
      for (const seed of c.seeds) {
        const scenario = withEvent(c.base, c.action, c.durationMs);
        const r = await runNested(scenario, { runtime: 'sim', seed });
        const i3 = r.checker?.invariants.find((i) => i.id === 'I3');
        expect(i3?.ok, `seed ${seed}: ${r.checker?.violations.map((v) => v.message).join('; ')}`).toBe(true);
        expect(r.marks['host.pasid-entry-flushed'] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
        expect(r.marks['guest.unmap'] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
        expect(
          r.ok,
          `seed ${seed}: ${r.checks
            .filter((x) => !x.ok)
            .map((x) => x.detail)
            .join('; ')}`,
        ).toBe(true);
      }
    }, 120_000);
  }
});
