// The determinism self-check's verdict: where two runs of one seed, which must be identical,
// first went apart, from the per-step trace hashes and sources the simulator kept
// (SimOptions.stepHashes). A difference in what a message carries shows at its delivery.

import type { SimResult } from '../runtime/sim/sim-runtime.ts';

/** What a step delivered, by name: a channel, or an actor's self inbox (timers, sys messages). */
function sourceName(r: SimResult, source: number | undefined): string {
  if (source === undefined) return 'nothing (the run had ended)';
  return source >= 0 ? `channel ${r.channels[source]?.name ?? source}` : `the self inbox of ${r.actors[-1 - source]?.name ?? -1 - source}`;
}

/** Two runs of one seed (both with step traces): null when they agree, else where they first differ. */
export function compareRuns(a: SimResult, b: SimResult): string | null {
  return a.traceHash === b.traceHash ? null : firstDifference(a, b);
}

/** "first differing step N: …" for two runs whose trace hashes differ (both kept step traces). */
export function firstDifference(a: SimResult, b: SimResult): string {
  const ta = a.stepTrace!;
  const tb = b.stepTrace!;
  const n = Math.max(ta.hashes.length, tb.hashes.length);
  let step = 0;
  while (step < n && ta.hashes[step] === tb.hashes[step] && ta.sources[step] === tb.sources[step]) step++;
  if (step === n) return `the runs agree step by step over ${n} steps (they differ only after the last delivery)`;
  const what =
    ta.sources[step] === tb.sources[step]
      ? `both delivered from ${sourceName(a, ta.sources[step])} but the message differed`
      : `the first run delivered from ${sourceName(a, ta.sources[step])}, the second from ${sourceName(b, tb.sources[step])}`;
  return `first differing step ${step}: ${what}`;
}
