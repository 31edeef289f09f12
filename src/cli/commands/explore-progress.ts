// The exploration's progress line on stderr, rewritten in place after every seed: seeds done
// (of how many), schedules (seeds) and simulator steps per second, violations per invariant,
// required marks reached, errors. Only on a terminal, never under CI (liveProgress).

import type { SeedSummary } from '../../api/index.ts';
import { liveProgress } from '../output.ts';

export function exploreProgress(total: number | undefined, requiredMarks: readonly string[]): { seed: (s: SeedSummary) => void; end: () => void } {
  const live = liveProgress();
  const t0 = performance.now();
  let seeds = 0;
  let steps = 0;
  let errors = 0;
  const perInvariant = new Map<string, number>();
  const reached = new Set<string>();
  let shown = false;
  return {
    seed(s) {
      if (!live) return;
      seeds++;
      steps += s.steps;
      if (s.error !== undefined) errors++;
      for (const [id, n] of Object.entries(s.failedInvariants)) if ((n ?? 0) > 0) perInvariant.set(id, (perInvariant.get(id) ?? 0) + 1);
      for (const m of requiredMarks) if ((s.marks[m] ?? 0) > 0) reached.add(m);
      const secs = Math.max((performance.now() - t0) / 1000, 1e-3);
      const found = perInvariant.size === 0 ? 'no violation' : [...perInvariant].map(([id, n]) => `${id} ${n}`).join(' ');
      const marks = requiredMarks.length > 0 ? `, marks ${reached.size}/${requiredMarks.length}` : '';
      process.stderr.write(
        `\r\u001b[Kexplore: ${seeds}${total !== undefined ? `/${total}` : ''} seeds, ${(seeds / secs).toFixed(1)} schedules/s, ${Math.round(steps / secs / 1000)} k steps/s, ${found}${marks}${errors > 0 ? `, ${errors} error(s)` : ''}`,
      );
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}
