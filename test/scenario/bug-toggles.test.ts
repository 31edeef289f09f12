// The bug toggle list (`faultline bugs`): every toggle names a shipped scenario that shows it,
// the invariants that catch it there, and any toggle it needs alongside; the names are unique.

import { describe, expect, it } from 'vitest';
import { invariantNames } from '../../src/check/types.ts';
import { bugNames, bugToggles } from '../../src/scenario/bugs.ts';
import { shippedScenarios } from '../../src/scenario/load.ts';

describe('bug toggles', () => {
  it('each names a shipped scenario, real invariants and known companion toggles', () => {
    const shipped = shippedScenarios();
    expect(new Set(bugNames).size).toBe(bugNames.length);
    for (const b of bugToggles) {
      expect(shipped, b.name).toContain(b.shownBy.scenario);
      for (const id of b.shownBy.invariants.split(', ')) expect(Object.keys(invariantNames), `${b.name}: ${id}`).toContain(id);
      if (b.shownBy.with !== undefined) expect(bugNames, b.name).toContain(b.shownBy.with);
    }
  });
});
