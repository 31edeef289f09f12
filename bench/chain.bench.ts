// The five-stage chain and back on threads, at 1, 64 and 512 requests in flight, one worker
// per stage (5 workers on 2 cores: oversubscribed) and grouped into 2 workers (one per
// core), each with the spin budget the runtime chooses and with the other one, as a ratio
// to the same chain as plain function calls in one thread (the ceiling), measured in this run.
// Also the deterministic runtime's deliveries per second on one core.

import os from 'node:os';
import { chainTopology } from '../actors/chain/chain-topology.ts';
import { quantile, type Histogram } from '../src/metrics/histogram.ts';
import { runSim } from '../src/runtime/sim/sim-runtime.ts';
import { runThreaded } from '../src/runtime/threads/threaded-runtime.ts';
import { spinBudgetFor } from '../src/transport/eventfd.ts';
import { runDirect } from './single-thread-chain.ts';
import { fmtRatio, median, repeat } from './stats.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const durationMs = Number(process.env.BENCH_CHAIN_MS ?? 1000);

interface Cell {
  layout: string;
  window: number;
  spin: number;
  chosen: boolean;
  perSec: number;
  p50Ns: number;
  p99Ns: number;
  ratioToCeiling: number;
}

export async function run(): Promise<Record<string, unknown>> {
  const cores = os.availableParallelism();
  // Ceiling: same actors, one thread, direct dispatch.
  const ceilings = await repeat(runs, () => {
    const r = runDirect(chainTopology({ requests: 1_000_000, window: 64 }));
    return (r.stats[0] as { completed: number }).completed / (r.wallMs / 1000);
  });
  const ceiling = median(ceilings);
  const cells: Cell[] = [];
  for (const [layout, workers] of [
    ['5 workers', 'each'],
    ['2 workers', 2],
  ] as const) {
    const workerCount = workers === 'each' ? 5 : workers;
    const chosen = spinBudgetFor(workerCount, cores);
    const other = chosen === 0 ? 2000 : 0;
    for (const spin of [chosen, other]) {
      for (const window of [1, 64, 512]) {
        const samples = await repeat(runs, async () => {
          const r = await runThreaded(chainTopology({ requests: 0, durationNs: durationMs * 1e6, window, workers }), { spinIters: spin });
          const s = r.actors[0]!.stats as { completed: number; latencyNs: Histogram };
          return { perSec: s.completed / (r.wallMs / 1000), p50: quantile(s.latencyNs, 0.5), p99: quantile(s.latencyNs, 0.99) };
        });
        const perSec = median(samples.map((s) => s.perSec));
        cells.push({ layout, window, spin, chosen: spin === chosen, perSec, p50Ns: median(samples.map((s) => s.p50)), p99Ns: median(samples.map((s) => s.p99)), ratioToCeiling: perSec / ceiling });
      }
    }
  }
  // Deterministic runtime: deliveries per second for the trivial actor on one core.
  const simRates = await repeat(runs, () => {
    const t0 = performance.now();
    const r = runSim(chainTopology({ requests: 500_000, window: 64 }), { seed: 1 });
    return r.steps / ((performance.now() - t0) / 1000);
  });
  const simPerSec = median(simRates);

  console.log(`\nchain: ceiling (same actors, one thread, direct calls) ${(ceiling / 1e6).toFixed(2)} M round trips/s (median of ${runs})`);
  console.log('layout     spin  chosen  window   round trips/s   ratio to ceiling   RTT p50 / p99');
  for (const c of cells) {
    console.log(
      `${c.layout.padEnd(10)} ${String(c.spin).padStart(5)}  ${c.chosen ? 'yes' : 'no '}    ${String(c.window).padStart(6)}   ${c.perSec.toFixed(0).padStart(13)}   ${fmtRatio(c.ratioToCeiling).padStart(16)}   ${(c.p50Ns / 1e3).toFixed(1)} / ${(c.p99Ns / 1e3).toFixed(1)} µs`,
    );
  }
  console.log(`deterministic runtime: ${(simPerSec / 1e6).toFixed(2)} M deliveries/s on one core (target ≥ 2 M)`);
  return { ceilingPerSec: ceiling, cells, simDeliveriesPerSec: simPerSec, runs, durationMs };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
