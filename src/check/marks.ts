// Coverage marks a scenario requires (`marks:`): a run that never reached one of them did
// not exercise what the scenario is for, so it fails rather than passes vacuously.

import type { CheckResult } from './end-checks.ts';

export function requiredMarkChecks(required: readonly string[], reached: Record<string, number>): CheckResult[] {
  return required.map((m) => {
    const n = reached[m] ?? 0;
    return { name: `coverage: mark ${m}`, ok: n > 0, detail: n > 0 ? `reached ${n} time(s)` : `mark ${m} never reached` };
  });
}
