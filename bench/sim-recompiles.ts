// What V8 compiles and throws away run after run in one process: default-storm in the simulator
// RUNS times (20 ms, then MS each) in a fresh process under --trace-opt --trace-deopt, and per
// run the optimizing compiles, their background time and the deoptimizations, with where each
// deoptimization from the third run on happened. A process that runs many runs (a race search,
// an experiment's points, the benches' warm runs) pays each run's recompiles on V8's background
// threads: from the third run on there should be almost none (issue 9, seventh pass: free lists
// appended with Array.prototype.push deoptimized in every new run, `src/util/append.ts`).
//   RUNS=5 MS=300 npx tsx bench/sim-recompiles.ts        (reads dist/: `npm run build` first)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.RUNS ?? 5);
const ms = Number(process.env.MS ?? 300);
const marker = '=====faultline-run';

const child = `
const root = process.argv[1];
const { runNested } = await import(root + '/dist/src/runtime/nested-run.js');
const { loadScenario } = await import(root + '/dist/src/scenario/load.js');
const { scenario } = loadScenario('default-storm');
for (let i = 0; i < ${runs}; i++) {
  const s = structuredClone(scenario);
  s.durationMs = i === 0 ? 20 : ${ms};
  console.log('${marker} ' + (i + 1));
  await runNested(s, { runtime: 'sim', seed: 1 });
}
`;

const r = spawnSync(process.execPath, ['--trace-opt', '--trace-deopt-verbose', '--input-type=module', '-e', child, root], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (r.status !== 0) throw new Error(`the traced run failed: ${r.stderr}`);

interface RunTrace {
  compiles: number;
  compileMs: number;
  deopts: string[];
}
const perRun: RunTrace[] = [];
let current: RunTrace | undefined;
let pendingReason: string | undefined;
for (const line of r.stdout.split('\n')) {
  if (line.startsWith(marker)) {
    current = { compiles: 0, compileMs: 0, deopts: [] };
    perRun.push(current);
    continue;
  }
  if (current === undefined) continue;
  const compiled = /^\[completed compiling .* took [\d.]+, ([\d.]+), [\d.]+ ms\]/.exec(line);
  if (compiled) {
    current.compiles++;
    current.compileMs += Number(compiled[1]);
    continue;
  }
  const bailout = /^\[bailout \(kind: [^,]+, reason: ([^)]*)\)/.exec(line);
  if (bailout) pendingReason = bailout[1];
  const at = /deoptimize at <([^>]*)>/.exec(line);
  if (at && pendingReason !== undefined) {
    current.deopts.push(`${pendingReason} at ${at[1]!.replace(`file://${root}`, '')}`);
    pendingReason = undefined;
  }
}

console.log(`default-storm, ${runs} runs in one process (20 ms, then ${ms} ms each), --trace-opt --trace-deopt`);
console.log('run  optimizing compiles  background compile ms  deoptimizations');
perRun.forEach((t, i) => console.log(`${String(i + 1).padStart(3)}  ${String(t.compiles).padStart(19)}  ${t.compileMs.toFixed(1).padStart(21)}  ${String(t.deopts.length).padStart(15)}`));
for (let i = 2; i < perRun.length; i++) for (const d of perRun[i]!.deopts) console.log(`  run ${i + 1}: ${d}`);
