// What the run's metrics cost in the simulator (src/check/metrics-collector.ts): the same
// default-storm run (same seed, so the same steps) with metrics on and off, interleaved so
// drift hits both alike, as CPU time per run (ratio on / off of the medians and of the
// minimums; the minimum is the steadier figure on a loaded machine; target ≤ 1.10). Then the
// collector alone: the run's check events captured once and fed to a MetricsCollector, its
// CPU time against the run's.

import { runNested } from '../src/runtime/nested-run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { Checker } from '../src/check/checker.ts';
import { MetricsCollector } from '../src/check/metrics-collector.ts';
import type { CheckEvent } from '../src/protocol/messages.ts';
import { median } from './stats.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const durationMs = Number(process.env.BENCH_METRICS_MS ?? 10);

const cpuNowMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function cpuMs(metrics: boolean): Promise<number> {
  const { scenario } = loadScenario('default-storm');
  scenario.durationMs = durationMs;
  const t0 = cpuNowMs();
  await runNested(scenario, { runtime: 'sim', seed: 1, ...(metrics ? {} : { metrics: false }) });
  return cpuNowMs() - t0;
}

/** The run's check events with their times, captured by wrapping Checker.event for one run. */
async function captureEvents(): Promise<{ evs: CheckEvent[]; ts: number[] }> {
  const evs: CheckEvent[] = [];
  const ts: number[] = [];
  const original = Checker.prototype.event;
  Checker.prototype.event = function (this: Checker, ev, seq, timeNs, actor) {
    evs.push(ev);
    ts.push(timeNs);
    original.call(this, ev, seq, timeNs, actor);
  };
  try {
    const { scenario } = loadScenario('default-storm');
    scenario.durationMs = durationMs;
    await runNested(scenario, { runtime: 'sim', seed: 1, metrics: false });
  } finally {
    Checker.prototype.event = original;
  }
  return { evs, ts };
}

export async function run(): Promise<Record<string, unknown>> {
  await cpuMs(true); // warm-up (JIT, module loading)
  const off: number[] = [];
  const on: number[] = [];
  for (let i = 0; i < runs; i++) {
    off.push(await cpuMs(false));
    on.push(await cpuMs(true));
  }
  const { evs, ts } = await captureEvents();
  const alone: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = cpuNowMs();
    const c = new MetricsCollector();
    for (let k = 0; k < evs.length; k++) c.event(evs[k]!, ts[k]!);
    c.finish();
    alone.push(cpuNowMs() - t0);
  }
  return {
    durationMs,
    runs,
    events: evs.length,
    offCpuMs: median(off),
    onCpuMs: median(on),
    ratio: median(on) / median(off),
    ratioOfMin: Math.min(...on) / Math.min(...off),
    collectorAloneCpuMs: Math.min(...alone),
    collectorShare: Math.min(...alone) / Math.min(...off),
    off,
    on,
  };
}

export function formatResults(r: {
  durationMs: number;
  events: number;
  offCpuMs: number;
  onCpuMs: number;
  ratio: number;
  ratioOfMin: number;
  collectorAloneCpuMs: number;
  collectorShare: number;
}): string {
  return [
    `default-storm, sim, ${r.durationMs} ms of scenario time: metrics off ${r.offCpuMs.toFixed(0)} ms CPU, on ${r.onCpuMs.toFixed(0)} ms CPU (medians)`,
    `ratio on/off: ${r.ratio.toFixed(3)} (medians), ${r.ratioOfMin.toFixed(3)} (minimums)`,
    `the collector alone on the run's ${r.events} check events: ${r.collectorAloneCpuMs.toFixed(0)} ms CPU = ${(r.collectorShare * 100).toFixed(1)} % of the run without metrics`,
  ].join('\n');
}
