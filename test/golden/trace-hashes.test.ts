// Pins the deterministic runtime's trace hash of every shipped scenario (seeds 1 and 2; the
// default storm cut to 1 ms of workload). A refactor or a performance change must leave every
// hash as it is; a change of behaviour updates test/golden/trace-hashes.json on purpose, with
// FAULTLINE_UPDATE_GOLDEN=1, and says why in its commit.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { loadScenario, shippedScenarios } from '../../src/scenario/load.ts';

const goldenPath = new URL('./trace-hashes.json', import.meta.url);
const seeds = [1, 2];

async function hashesNow(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of shippedScenarios()) {
    const { scenario } = loadScenario(name);
    if (scenario.durationMs > 5) scenario.durationMs = 1;
    for (const seed of seeds) {
      const r = await runNested(scenario, { runtime: 'sim', seed });
      out[`${name}#${seed}`] = r.traceHash!;
    }
  }
  return out;
}

describe('trace hashes of the shipped scenarios', () => {
  it('are unchanged (refactors and speed-ups keep behaviour)', async () => {
    const now = await hashesNow();
    if (process.env.FAULTLINE_UPDATE_GOLDEN === '1') writeFileSync(goldenPath, `${JSON.stringify(now, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as Record<string, string>;
    expect(now).toEqual(golden);
  }, 300_000);
});
