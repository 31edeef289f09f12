// Before/after of the simulator's CPU per nested fault, each run in a fresh process: this
// checkout's built dist/ against ROOT's, alternated pair by pair so both see the same machine,
// each process timing the second of two warm runs (default-storm, seed 1, MS of scenario time).
// In-process alternation (sim-cpu-ab.ts) shares one heap and one GC between the two sides, which
// at a full checker's allocation rate blurs the pairs; separate processes do not. Prints both
// medians, the median of the per-pair ratios (after/before) and the trace hashes, which must match.
//   ROOT=../base N=9 MS=300 npx tsx bench/sim-procs-ab.ts        CHECK=0 for the checker off
// Both checkouts need `npm run build` first.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simProcOnce, type SimProcRun } from './sim-proc.ts';
import { median } from './stats.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const base = process.env.ROOT === undefined ? undefined : resolve(process.env.ROOT);
if (!base) throw new Error('ROOT=<another checkout, built> is required: the "before" side');
const pairs = Number(process.env.N ?? 9);
const ms = Number(process.env.MS ?? 300);

const check = process.env.CHECK !== '0';
const once = (root: string): SimProcRun => simProcOnce(root, ms, check);

const after: number[] = [];
const before: number[] = [];
const ratios: number[] = [];
const hashes = new Set<string>();
let faults = 0;
for (let i = 0; i < pairs; i++) {
  // Alternate which side runs first, so neither always meets a warmer (or busier) machine.
  let x: SimProcRun;
  let y: SimProcRun;
  if (i % 2 === 0) {
    x = once(here);
    y = once(base);
  } else {
    y = once(base);
    x = once(here);
  }
  after.push(x.cpuMs);
  before.push(y.cpuMs);
  ratios.push(x.cpuMs / y.cpuMs);
  hashes.add(x.hash).add(y.hash);
  faults = x.faults;
}
const rate = (cpuMs: number): string => `${(faults / cpuMs).toFixed(1)} k faults/CPU s`;
console.log(`default-storm ${ms} ms, ${faults} faults, checker ${process.env.CHECK === '0' ? 'off' : 'on'}, ${pairs} pairs of fresh processes`);
console.log(`  after  ${median(after).toFixed(0)} ms (${rate(median(after))})`);
console.log(`  before ${median(before).toFixed(0)} ms (${rate(median(before))})`);
console.log(`  after/before, median of the pairs: ${median(ratios).toFixed(3)} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]`);
console.log(`  trace hashes: ${[...hashes].join(', ')}${hashes.size === 1 ? ' (same)' : ' — DIFFERENT: behaviour changed'}`);
