// `npm run bench`: every benchmark in turn (never two at once), each reporting ratios
// against a baseline it measures in the same run; the raw results go to bench/out/latest.json
// (not committed) and the figures worth keeping are written up by hand in bench/RESULTS.md.
// BENCH_ONLY=ring,chain picks some; BENCH_RUNS sets the repetitions (medians are reported).

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const all: Record<string, () => Promise<{ run: () => Promise<unknown>; formatResults?: (r: never) => string }>> = {
  ring: () => import('./ring.bench.ts'),
  oversubscribed: () => import('./oversubscribed.bench.ts'),
  cpu: () => import('./cpu-split.bench.ts'),
  machines: () => import('./machines.bench.ts'),
  chain: () => import('./chain.bench.ts'),
  nested: () => import('./nested.bench.ts'),
  record: () => import('./record.bench.ts'),
  metrics: () => import('./metrics.bench.ts'),
  explore: () => import('./explore.bench.ts'),
};

const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const results: Record<string, unknown> = {
  node: process.version,
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model,
  date: new Date().toISOString(),
};
for (const [name, load] of Object.entries(all)) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const mod = await load();
  results[name] = await mod.run();
  if (mod.formatResults) console.log(mod.formatResults(results[name] as never));
}
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nraw results: bench/out/latest.json');
