// The text a shrink prints: the invariant kept failing, the sizes before → after, the kept
// changes, the work it took (runs, wall time, whether the budget ran out), whether the result
// replayed, and the one command that replays it.

import type { ShrinkOutcome, ShrinkSizes } from './shrink.ts';

const sizeLine = (b: ShrinkSizes, a: ShrinkSizes): string =>
  `steps ${b.steps} → ${a.steps} (${((100 * a.steps) / Math.max(1, b.steps)).toFixed(1)} %), devices ${b.devices} → ${a.devices}, PASIDs ${b.pasids} → ${a.pasids}, events ${b.events} → ${a.events}, duration ${b.durationMs} → ${a.durationMs} ms, timing windows ${b.windows} → ${a.windows}, non-default choices ${b.choices} → ${a.choices}, non-default delay choices ${b.delayChoices} → ${a.delayChoices}`;

/** Consecutive changes of one key as one line (`iommu.prqEntries 2048 → 1024`, `→ 512` … as `2048 → 2`). */
function collapsed(log: readonly string[]): string[] {
  const out: string[] = [];
  const keyOf = (l: string): string | undefined => /^scenario: (\S+) (\S+) → (\S+) /.exec(l)?.[1];
  for (const l of log) {
    const prev = out[out.length - 1];
    const k = keyOf(l);
    if (prev !== undefined && k !== undefined && keyOf(prev) === k) {
      out[out.length - 1] = prev.replace(/→ \S+ \(.*$/, l.slice(l.indexOf('→')));
    } else out.push(l);
  }
  return out;
}

export function formatShrink(o: ShrinkOutcome & { replay: string; corpusEntry?: string }): string {
  const lines = [
    `shrunk ${o.source} seed ${o.seed}: ${o.invariant} still fails`,
    `  ${sizeLine(o.before, o.after)}`,
    ...(o.schedule.stopAtStep !== undefined ? [`  the run stops after step ${o.schedule.stopAtStep}, where ${o.invariant} has failed (so I8 notes a run that did not reach quiescence)`] : []),
    `  ${o.runs} runs in ${(o.wallMs / 1000).toFixed(1)} s${o.budgetExhausted ? ' (budget used up: a larger budget may shrink further)' : ''}`,
    ...collapsed(o.log).map((l) => `    ${l}`),
    o.verified ? `  replays: yes (trace hash ${o.traceHash})` : '  replays: NO (the shrunk schedule did not reproduce the failure on replay)',
    ...(o.corpusEntry !== undefined ? [`  kept in the corpus: ${o.corpusEntry}`] : []),
    `replay: ${o.replay}`,
  ];
  return lines.join('\n');
}
