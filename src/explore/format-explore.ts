// The text form of a seed exploration's result (explore.ts): per invariant and per mark, the
// first failing seed with its replay line, errors apart from findings, and the verdict.

import type { ExploreResult } from './explore.ts';
import { shardSize } from './shard.ts';

export function formatExplore(r: ExploreResult): string {
  const out: string[] = [];
  const n = r.seeds.length;
  out.push(
    `explore ${r.scenario}: seeds ${r.from}..${r.to}${r.shard ? `, shard ${r.shard.index}/${r.shard.count} (${n} seeds of them)` : ''}${r.stoppedEarly ? ` (stopped at the first failure after ${n})` : ''}${r.timedOut ? ` (time budget spent after ${n})` : ''}, ` +
      `strategy ${r.strategy}${r.stepsEstimate !== undefined ? ` (steps estimate ${r.stepsEstimate})` : ''}, ` +
      `${r.durationMs} ms each, ${r.jobs === 1 ? 'sequential' : `${r.jobs} workers`}${r.bugs.length ? `, bugs: ${r.bugs.join(', ')}` : ''}` +
      `, ${(r.wallMs / 1000).toFixed(1)} s`,
  );
  out.push('', 'invariants (seeds violating / seeds run)');
  for (const inv of r.perInvariant) {
    const verdict = inv.failingSeeds === 0 ? 'ok  ' : 'FAIL';
    out.push(`  ${verdict} ${inv.id} ${inv.name}: ${inv.failingSeeds} / ${n}`);
  }
  const checks = new Map<string, number>();
  for (const s of r.seeds) for (const c of s.failedChecks) checks.set(c.split(':')[0]!, (checks.get(c.split(':')[0]!) ?? 0) + 1);
  if (checks.size > 0) {
    out.push('', 'end-of-run checks failed (seeds)');
    for (const [c, k] of checks) out.push(`  FAIL ${c}: ${k} / ${n}`);
  }
  if (r.errors > 0) {
    const e = r.firstError!;
    out.push(
      '',
      e.nondeterministic !== undefined
        ? `errors: ${r.errors} / ${n} seed(s) could not finish: the determinism self-check failed (the simulator or an actor is not deterministic: an error, not a finding)`
        : `errors: ${r.errors} / ${n} seed(s) could not finish: an actor threw (an error of the model or its configuration, not a finding)`,
      `  first: seed ${e.seed}: ${e.error}`,
      `  replay: ${e.replay}`,
    );
  }
  out.push('', 'coverage marks (seeds reaching / seeds run, hits)');
  if (r.marks.length === 0) out.push('  none');
  for (const m of r.marks) {
    const tag = m.required ? (m.seeds === 0 && !r.shard ? 'MISSING' : 'required') : '        ';
    out.push(`  ${tag.padEnd(8)} ${m.name.padEnd(36)} ${String(m.seeds).padStart(4)} / ${n}  ${m.hits}`);
  }
  out.push('');
  const f = r.firstFailure;
  if (f === null) {
    out.push('no failing seed');
  } else {
    out.push(`first failing seed: ${f.seed}${r.strategy !== 'random' ? ` (strategy ${f.strategy})` : ''}`);
    for (const v of f.violations.slice(0, 3)) out.push(`  ${v.invariant} ${v.first}${v.ghosts.length ? ` (ghosts ${v.ghosts.join(', ')})` : ''}`);
    if (f.violations.length > 3) out.push(`  ... ${f.violations.length - 3} more violation(s)`);
    for (const c of f.failedChecks.slice(0, 3)) out.push(`  check failed: ${c}`);
    out.push(`  replay: ${f.replay}`);
  }
  out.push(`findability: ${r.failing} failing seed(s) / ${n} seeds run${r.failing > 0 && !r.stoppedEarly ? ` (about 1 in ${(n / r.failing).toFixed(1)})` : ''}`);
  out.push('', exploreVerdict(r));
  return out.join('\n');
}

/**
 * The last line: OK, FAIL (findings or missing marks), ERROR (a seed could not finish) or
 * INTERRUPTED. A shard's required marks are judged by `faultline merge` on every shard's seeds:
 * another shard's seed may reach the mark.
 */
export function exploreVerdict(r: ExploreResult): string {
  if (r.interrupted) return `verdict: INTERRUPTED — ${r.seeds.length} of ${shardSize(r.to - r.from + 1, r.shard)} seeds ran: ${r.failing} failing, ${r.errors} error(s) so far`;
  const odd = r.seeds.find((s) => s.nondeterministic !== undefined);
  if (odd !== undefined) return `verdict: ERROR — not deterministic: seed ${odd.seed} ran twice and differed; ${odd.nondeterministic}`;
  if (r.shard) {
    const of = `shard ${r.shard.index}/${r.shard.count}, ${r.seeds.length} seeds`;
    if (r.errors > 0) return `verdict: ERROR (${of}) — ${r.errors} seed(s) could not finish (an actor threw)${r.failing > 0 ? `; ${r.failing} failing seed(s)` : ''}`;
    if (r.failing > 0) return `verdict: FAIL (${of}) — ${r.failing} failing seed(s)`;
    return `verdict: OK (${of}) — every seed held every invariant; required marks are judged by faultline merge`;
  }
  if (r.errors > 0) return `verdict: ERROR — ${r.errors} seed(s) could not finish (an actor threw)${r.failing > 0 ? `; ${r.failing} failing seed(s)` : ''}`;
  if (r.failing === 0 && r.missingMarks.length === 0) return 'verdict: OK — every seed held every invariant and the required marks were reached';
  const parts = [...(r.failing > 0 ? [`${r.failing} failing seed(s)`] : []), ...(r.missingMarks.length ? [`marks never reached: ${r.missingMarks.join(', ')}`] : [])];
  return `verdict: FAIL — ${parts.join('; ')}`;
}
