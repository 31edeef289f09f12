// The simulator's CPU per nested fault, for before/after comparisons on a shared machine:
// default-storm, seed 1, MS milliseconds of scenario time (default 5), RUNS runs in one process
// after a 1 ms warm-up, CPU of the whole process (GC helper threads included) by
// process.cpuUsage. CHECK=0 turns the online checker off, METRICS=0 the metrics; ROOT=<dir>
// measures another checkout (an extracted `git archive` of the commit before) with this script.
//   npx tsx bench/sim-cpu.ts            RUNS=5 MS=5 CHECK=0 npx tsx bench/sim-cpu.ts
import { fileURLToPath } from 'node:url';

const root = process.env.ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const { runNested } = (await import(`${root}/src/runtime/nested-run.ts`)) as typeof import('../src/runtime/nested-run.ts');
const { loadScenario } = (await import(`${root}/src/scenario/load.ts`)) as typeof import('../src/scenario/load.ts');

const ms = Number(process.env.MS ?? 5);
const runs = Number(process.env.RUNS ?? 3);
const check = process.env.CHECK !== '0';
const metrics = process.env.METRICS === '0' ? { metrics: false as const } : {};
const { scenario } = loadScenario('default-storm');
const cpuMs: number[] = [];
let faults = 0;
let hash = '';
for (let i = 0; i <= runs; i++) {
  const s = structuredClone(scenario);
  s.durationMs = i === 0 ? 1 : ms;
  const c0 = process.cpuUsage();
  const r = await runNested(s, { runtime: 'sim', seed: 1, check, ...metrics });
  const c = process.cpuUsage(c0);
  if (i === 0) continue;
  cpuMs.push((c.user + c.system) / 1000);
  faults = r.faults.raised;
  hash = r.traceHash ?? '';
}
cpuMs.sort((a, b) => a - b);
const median = cpuMs[Math.floor(cpuMs.length / 2)]!;
console.log(
  `${process.env.TAG ?? root} check=${check} metrics=${metrics.metrics !== false} ms=${ms} faults=${faults} CPU ms median ${median.toFixed(0)} [${cpuMs.map((x) => x.toFixed(0)).join(', ')}] → ${((faults / median) * 1000).toFixed(0)} faults per CPU second, trace ${hash}`,
);
