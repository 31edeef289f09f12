// The run's metrics alone, before/after: one simulator run's check events (default-storm,
// seed 1, MS ms) captured once as the checker hands them to the metrics, then fed to a fresh
// MetricsCollector of this checkout and, with ROOT, of another checkout, their runs alternated
// in one process. CPU per check event of the metrics' own work (queue meters, series, hop and
// round-trip histograms); the finished metrics' JSON of both sides is compared by digest, so a
// change to any figure shows.
//   ROOT=/work/main RUNS=15 MS=100 npx tsx bench/metrics-alone.ts
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { MetricsCollector } from '../src/check/metrics-collector.ts';
import type { CheckEvent } from '../src/protocol/messages.ts';
import { runNested } from '../src/runtime/nested-run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { alternateSides, median } from './stats.ts';

const ms = Number(process.env.MS ?? 5);
const runs = Number(process.env.RUNS ?? 9);

const evs: CheckEvent[] = [];
const meta: number[] = [];
const original = MetricsCollector.prototype.eventOfSlot;
MetricsCollector.prototype.eventOfSlot = function (this: MetricsCollector, type, ev, timeNs, actor) {
  evs.push(ev);
  meta.push(type, timeNs, actor);
  original.call(this, type, ev, timeNs, actor);
};
const { scenario } = loadScenario('default-storm');
scenario.durationMs = ms;
const r = await runNested(scenario, { runtime: 'sim', seed: 1 });
MetricsCollector.prototype.eventOfSlot = original;

type CollectorClass = typeof MetricsCollector;
const sides: [string, CollectorClass][] = [['this', MetricsCollector]];
const base = process.env.ROOT === undefined ? undefined : resolve(process.env.ROOT);
if (base) sides.push([base, ((await import(`${base}/src/check/metrics-collector.ts`)) as { MetricsCollector: CollectorClass }).MetricsCollector]);

function once(C: CollectorClass): { cpuMs: number; digest: string } {
  const c0 = process.cpuUsage();
  const c = new C({}, ['device', 'iommu', 'host', 'vmm', 'guest']);
  for (let k = 0; k < evs.length; k++) c.eventOfSlot(meta[3 * k]!, evs[k]!, meta[3 * k + 1]!, meta[3 * k + 2]!);
  const res = c.finish();
  const d = process.cpuUsage(c0);
  return { cpuMs: (d.user + d.system) / 1000, digest: createHash('sha1').update(JSON.stringify(res)).digest('hex').slice(0, 12) };
}

const { cpu, digests } = alternateSides(sides, runs, ([, side]) => {
  const o = once(side);
  return { cpu: o.cpuMs, digest: o.digest };
});
console.log(`metrics alone on ${evs.length} check events of ${r.faults.raised} faults (default-storm ${ms} ms), median of ${runs}:`);
sides.forEach(([name], j) => {
  const m = median(cpu[j]!);
  console.log(`  ${name.padEnd(12)} ${m.toFixed(1)} ms CPU, ${((m * 1e6) / evs.length).toFixed(0)} ns/event, min ${Math.min(...cpu[j]!).toFixed(1)} ms, metrics ${[...digests[j]!].join('/')}`);
});
if (sides.length === 2) {
  const ratios = cpu[0]!.map((a, i) => a / cpu[1]![i]!);
  console.log(`  this / base: median ${(median(cpu[0]!) / median(cpu[1]!)).toFixed(2)}, pair median ${median(ratios).toFixed(2)}`);
}
