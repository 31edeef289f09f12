// Same-process before/after of the simulator's CPU per nested fault: this checkout and ROOT
// (another checkout, e.g. the main one) loaded side by side, their runs alternated one by one
// so both see the same machine; reports each side's median and the median of the per-pair
// ratios (after/before), which a shared, noisy machine disturbs far less than either rate.
//   ROOT=/work/main RUNS=9 MS=5 npx tsx bench/sim-cpu-ab.ts        CHECK=0 for the checker off
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const base = process.env.ROOT === undefined ? undefined : resolve(process.env.ROOT);
if (!base) throw new Error('ROOT=<another checkout> is required: the "before" side');
const ms = Number(process.env.MS ?? 5);
const runs = Number(process.env.RUNS ?? 9);
const check = process.env.CHECK !== '0';

type RunNested = typeof import('../src/runtime/nested-run.ts').runNested;
type LoadScenario = typeof import('../src/scenario/load.ts').loadScenario;
async function side(root: string): Promise<(durationMs: number) => Promise<{ cpuMs: number; faults: number; hash: string }>> {
  const { runNested } = (await import(`${root}/src/runtime/nested-run.ts`)) as { runNested: RunNested };
  const { loadScenario } = (await import(`${root}/src/scenario/load.ts`)) as { loadScenario: LoadScenario };
  const { scenario } = loadScenario('default-storm');
  return async (durationMs) => {
    const s = structuredClone(scenario);
    s.durationMs = durationMs;
    const c0 = process.cpuUsage();
    const r = await runNested(s, { runtime: 'sim', seed: 1, check });
    const c = process.cpuUsage(c0);
    return { cpuMs: (c.user + c.system) / 1000, faults: r.faults.raised, hash: r.traceHash ?? '' };
  };
}

const after = await side(here);
const before = await side(base);
await after(1);
await before(1);
const a: number[] = [];
const b: number[] = [];
const ratios: number[] = [];
let faults = 0;
const hashes = new Set<string>();
for (let i = 0; i < runs; i++) {
  // Alternate which side goes first, so neither always runs on a warmer (or busier) machine.
  let x: Awaited<ReturnType<typeof after>>;
  let y: Awaited<ReturnType<typeof before>>;
  if (i % 2 === 0) {
    x = await after(ms);
    y = await before(ms);
  } else {
    y = await before(ms);
    x = await after(ms);
  }
  a.push(x.cpuMs);
  b.push(y.cpuMs);
  ratios.push(x.cpuMs / y.cpuMs);
  faults = x.faults;
  hashes.add(x.hash).add(y.hash);
}
const fmt = (xs: number[]): string => `${median(xs).toFixed(0)} ms (${(faults / median(xs)).toFixed(1)} k faults/CPU s)`;
console.log(
  `default-storm ${ms} ms, ${faults} faults, checker ${check ? 'on' : 'off'}, ${runs} pairs: after ${fmt(a)}, before ${fmt(b)}; after/before per pair median ${median(ratios).toFixed(2)} [${ratios.map((r) => r.toFixed(2)).join(', ')}]; trace hashes ${[...hashes].join(', ')}`,
);
