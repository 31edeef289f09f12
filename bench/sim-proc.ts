// The simulator's CPU per nested fault as the issue measures it (issue 9): default-storm, seed 1,
// in a fresh `node` process that loads a checkout's built dist/ (not tsx's transpiled sources,
// on which the same code runs ~3× slower), runs 20 ms then `ms` twice, and times the last run's
// process CPU (V8's GC and compiler threads included). sim-procs-ab.ts alternates two
// checkouts with it; the nested bench reports this checkout's rate with it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface SimProcRun {
  cpuMs: number;
  faults: number;
  hash: string;
}

/** The child: loads one checkout's dist/, runs default-storm three times (20 ms, then ms twice) and prints the last. */
const child = (ms: number): string => `
const root = process.argv[1];
const { runNested } = await import(root + '/dist/src/runtime/nested-run.js');
const { loadScenario } = await import(root + '/dist/src/scenario/load.js');
const { scenario } = loadScenario('default-storm');
let out;
for (const d of [20, ${ms}, ${ms}]) {
  const s = structuredClone(scenario);
  s.durationMs = d;
  const c0 = process.cpuUsage();
  const r = await runNested(s, { runtime: 'sim', seed: 1, check: process.env.CHECK !== '0' });
  const c = process.cpuUsage(c0);
  out = { cpuMs: (c.user + c.system) / 1000, faults: r.faults.raised, hash: r.traceHash };
}
console.log(JSON.stringify(out));
`;

/** Whether `root` has a built dist/ to measure. */
export function hasBuild(root: string): boolean {
  return existsSync(join(root, 'dist/src/runtime/nested-run.js'));
}

/** One measured run of `root`'s build in a fresh process; `check` false turns the checker off. */
export function simProcOnce(root: string, ms: number, check = true): SimProcRun {
  const env = { ...process.env, CHECK: check ? '1' : '0' };
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child(ms), root], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`run in ${root} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as SimProcRun;
}
