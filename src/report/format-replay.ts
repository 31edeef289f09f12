// The text a replay prints: what was replayed, every violation with its whole causal chain,
// the failed checks, and whether the failure reproduced (every violation counted, kept or not).

import { fmtNs } from './format.ts';
import { violationCount } from './format-nested.ts';
import type { NestedReport } from './nested-report.ts';

export type ReplaySource = { kind: 'line'; scenario: string; seed: number; bugs: readonly string[]; schedule: boolean } | { kind: 'record'; path: string };

export function formatReplay(source: ReplaySource, r: NestedReport): string {
  const lines =
    source.kind === 'record'
      ? [
          `replay ${source.path}: ${r.scenario} recorded on threads (${r.workers} workers), seed ${r.seed}, ${r.elapsedMs.toFixed(3)} ms wall` +
            `${r.checker ? `, ${r.checker.events} check events` : ''}; replayed exactly, stop: ${r.stopReason}`,
        ]
      : [
          `replay ${source.scenario}: seed ${source.seed}, ${r.elapsedMs.toFixed(3)} ms virtual${source.bugs.length ? `, bugs: ${source.bugs.join(', ')}` : ''}` +
            `${source.schedule ? ', recorded schedule' : ''}; trace hash ${r.traceHash ?? '?'}, stop: ${r.stopReason}`,
        ];
  if (r.divergence) {
    const d = r.divergence;
    lines.push(
      `the schedule diverged at step ${d.step} (${d.recorded === null ? `it ended, ${d.enabled} enabled` : `recorded choice ${d.recorded}, only ${d.enabled} enabled`}); the run went on with the seed's strategy from there`,
    );
  }
  const violations = r.checker?.violations ?? [];
  for (const v of violations) {
    lines.push('', `violation ${v.invariant}: ${v.message}`);
    if (v.ghosts.length) lines.push(`  ghosts: ${v.ghosts.join(', ')}`);
    lines.push(v.chain.length ? `  causal chain (oldest first, ${v.chain.length} events):` : '  causal chain: no events recorded for these ghosts');
    for (const e of v.chain) lines.push(`    #${e.seq}${e.timeNs >= 0 ? ` ${fmtNs(e.timeNs)}` : ''} ${e.actor}: ${e.text}`);
  }
  if ((r.checker?.violationsDropped ?? 0) > 0) lines.push(`  (${r.checker!.violationsDropped} further violation(s) found, not kept)`);
  const failed = r.checks.filter((c) => !c.ok);
  if (failed.length) {
    lines.push('', 'failed end-of-run checks');
    for (const c of failed) lines.push(`  FAIL ${c.name}: ${c.detail}`);
  }
  lines.push('');
  const total = violationCount(r);
  if (total === 0 && failed.length === 0) {
    lines.push(
      source.kind === 'record'
        ? 'clean: the recorded run held every invariant and passed every check, and so did its exact replay'
        : 'clean: the replayed run held every invariant and passed every check (the failure does not reproduce)',
    );
  } else {
    lines.push(`reproduced: ${total} violation(s)${total > violations.length ? ` (${violations.length} shown)` : ''}${failed.length ? `, ${failed.length} failed check(s)` : ''}`);
  }
  return lines.join('\n');
}
