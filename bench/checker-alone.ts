// The online checker alone, before/after: one simulator run's check events (default-storm,
// seed 1, MS ms) captured once, then fed to a fresh Checker of this checkout and, with ROOT,
// of another checkout, their runs alternated in one process. CPU per event of the checker's
// own work (monitors, group table, chains, metrics), which the rest of a run does not blur;
// the verdicts' JSON of both sides is compared, so a refactor that changes a verdict shows.
//   ROOT=/work/main RUNS=9 npx tsx bench/checker-alone.ts        METRICS=0: metrics off
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Checker } from '../src/check/checker.ts';
import type { CheckEvent } from '../src/protocol/messages.ts';
import { runNested } from '../src/runtime/nested-run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { alternateSides, median } from './stats.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const ms = Number(process.env.MS ?? 5);
const runs = Number(process.env.RUNS ?? 9);
const metrics = process.env.METRICS === '0' ? { metrics: false as const } : {};

const evs: CheckEvent[] = [];
const meta: number[] = [];
const original = Checker.prototype.event;
Checker.prototype.event = function (this: Checker, ev, seq, timeNs, actor) {
  evs.push(ev);
  meta.push(seq, timeNs, actor);
  original.call(this, ev, seq, timeNs, actor);
};
const { scenario } = loadScenario('default-storm');
scenario.durationMs = ms;
const r = await runNested(scenario, { runtime: 'sim', seed: 1 });
Checker.prototype.event = original;

type CheckerClass = typeof Checker;
const sides: [string, CheckerClass][] = [['this', Checker]];
const base = process.env.ROOT === undefined ? undefined : resolve(process.env.ROOT);
if (base) sides.push([base, ((await import(`${base}/src/check/checker.ts`)) as { Checker: CheckerClass }).Checker]);
const names = ['device', 'iommu', 'host', 'vmm', 'guest'];

function once(C: CheckerClass): { cpuMs: number; digest: string } {
  const c0 = process.cpuUsage();
  const c = new C({ actorNames: names, ...metrics });
  for (let k = 0; k < evs.length; k++) c.event(evs[k]!, meta[3 * k]!, meta[3 * k + 1]!, meta[3 * k + 2]!);
  const res = c.finish({ quiescent: false, stopReason: 'max-time' });
  const d = process.cpuUsage(c0);
  return { cpuMs: (d.user + d.system) / 1000, digest: createHash('sha1').update(JSON.stringify(res)).digest('hex').slice(0, 12) };
}

const { cpu, digests } = alternateSides(sides, runs, ([, side]) => {
  const o = once(side);
  return { cpu: o.cpuMs, digest: o.digest };
});
console.log(`checker alone on ${evs.length} check events of ${r.faults.raised} faults (default-storm ${ms} ms${metrics.metrics === false ? ', metrics off' : ''}), median of ${runs}:`);
sides.forEach(([name], j) => {
  const m = median(cpu[j]!);
  console.log(
    `  ${(name === here ? 'this' : name).padEnd(12)} ${m.toFixed(0)} ms CPU, ${((m * 1e6) / evs.length).toFixed(0)} ns/event, min ${Math.min(...cpu[j]!).toFixed(0)} ms, verdict ${[...digests[j]!].join('/')}`,
  );
});
if (sides.length === 2) console.log(`  this / base: ${(median(cpu[0]!) / median(cpu[1]!)).toFixed(2)}`);
