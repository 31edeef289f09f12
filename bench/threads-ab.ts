// Same-process before/after of the threaded runtime on default-storm: this checkout's built
// dist/ and ROOT's (another checkout, built), their runs alternated one by one so both see the
// same machine. Per side: faults/s (wall; meaningful on a quiet machine only), process CPU per
// fault (all threads, the workers' start-up subtracted: the median CPU of a few 10 ms runs),
// the round trip at one fault in flight, and — where the checkout counts them (result.transport)
// — wake-ups, notifies, parks, passes and messages per fault and check events per orchestrator
// poll. Ratios are medians of the per-pair ratios (after/before).
//   ROOT=/work/base9 RUNS=7 MS=1000 npx tsx bench/threads-ab.ts     CHECK=0: checker off; INFLIGHT=512
//   Without ROOT it measures this checkout alone. Both checkouts need `npm run build` first.
//   AFTER_OPTS / BEFORE_OPTS: extra runThreaded options (JSON) for a side, e.g. ROOT=. and
//   BEFORE_OPTS='{"signalDeferPasses":0}' for an A/B of one option within this checkout.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransportStats } from '../src/runtime/threads/transport-stats.ts';
import { median } from './stats.ts';

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const baseRoot = process.env.ROOT === undefined ? undefined : resolve(process.env.ROOT);
const ms = Number(process.env.MS ?? 1000);
const runs = Number(process.env.RUNS ?? 5);
const check = process.env.CHECK !== '0';
const inFlight = Number(process.env.INFLIGHT ?? 64);
const rttMs = Number(process.env.RTT_MS ?? 300);

/** The run's transport counts and CPU, summed over the workers. */
type Counted = Omit<TransportStats, 'perWorker'>;
interface RunOut {
  cpuMs: number;
  wallMs: number;
  faults: number;
  rttP50Ns: number;
  ok: boolean;
  transport: Counted | undefined;
}
type Side = (durationMs: number, window: number) => Promise<RunOut>;

async function side(root: string, extra: Record<string, unknown>): Promise<Side> {
  const dist = `${root}/dist/src`;
  if (!existsSync(`${dist}/runtime/threads/threaded-runtime.js`)) throw new Error(`${root} has no built dist/: run npm run build there`);
  const { runThreaded } = (await import(`${dist}/runtime/threads/threaded-runtime.js`)) as typeof import('../src/runtime/threads/threaded-runtime.ts');
  const { nestedTopology } = (await import(`${dist}/scenario/nested-topology.js`)) as typeof import('../src/scenario/nested-topology.ts');
  const { loadScenario } = (await import(`${dist}/scenario/load.js`)) as typeof import('../src/scenario/load.ts');
  const { quantile } = (await import(`${dist}/metrics/histogram.js`)) as typeof import('../src/metrics/histogram.ts');
  const { scenario } = loadScenario('default-storm');
  return async (durationMs, window) => {
    const s = structuredClone(scenario);
    s.durationMs = durationMs;
    if (window === 1) {
      s.devices = [s.devices[0]!];
      s.devices[0]!.pasids = [1];
      s.workload.inFlight = 1;
    } else {
      s.workload.inFlight = window / 16;
    }
    const c0 = process.cpuUsage();
    const r = await runThreaded(nestedTopology(s).topology, { seed: 1, check, timeLimitMs: durationMs * 3 + 30_000, ...extra });
    const c = process.cpuUsage(c0);
    const d = r.actors.find((a) => a.name === 'device')!.stats as { faults: number; faultRttNs: Parameters<typeof quantile>[0] };
    const t = (r as { transport?: Counted }).transport;
    return {
      cpuMs: (c.user + c.system) / 1000,
      wallMs: r.wallMs,
      faults: d.faults,
      rttP50Ns: quantile(d.faultRttNs, 0.5),
      ok: r.checker === null || (r.checker.violations.length === 0 && r.checker.violationsDropped === 0),
      transport: t,
    };
  };
}

const opts = (name: string): Record<string, unknown> => JSON.parse(process.env[name] ?? '{}') as Record<string, unknown>;
const after = await side(here, opts('AFTER_OPTS'));
const before = baseRoot === undefined ? undefined : await side(baseRoot, opts('BEFORE_OPTS'));
const sides: [string, Side][] =
  before === undefined
    ? [['this', after]]
    : [
        ['after', after],
        ['before', before],
      ];

/** Runs fn for both sides, alternating which goes first. */
async function alternate<T>(i: number, fn: (s: Side) => Promise<T>): Promise<T[]> {
  const order = i % 2 === 0 ? sides : [...sides].reverse();
  const out = new Map<string, T>();
  for (const [name, s] of order) out.set(name, await fn(s));
  return sides.map(([name]) => out.get(name)!);
}

// Start-up (spawning the workers, loading the modules) is CPU too: a 10 ms run's CPU, subtracted.
const startupCpuMs = sides.map((): number[] => []);
for (let i = 0; i < 3; i++) (await alternate(i, (s) => s(10, inFlight))).forEach((r, k) => startupCpuMs[k]!.push(r.cpuMs));
const startup = startupCpuMs.map(median);

const storm = sides.map((): RunOut[] => []);
const rtt = sides.map((): RunOut[] => []);
for (let i = 0; i < runs; i++) {
  (await alternate(i, (s) => s(ms, inFlight))).forEach((r, k) => storm[k]!.push(r));
  (await alternate(i, (s) => s(rttMs, 1))).forEach((r, k) => rtt[k]!.push(r));
}

const cpuPerFaultUs = (r: RunOut, k: number): number => ((r.cpuMs - startup[k]!) * 1000) / r.faults;
const perSec = (r: RunOut): number => r.faults / (r.wallMs / 1000);
const measures: [string, (r: RunOut, k: number) => number, (x: number) => string][] = [
  ['faults/s (wall)', perSec, (x) => x.toFixed(0)],
  ['CPU µs a fault (start-up subtracted)', cpuPerFaultUs, (x) => x.toFixed(1)],
  ['CPU µs a fault (raw)', (r) => (r.cpuMs * 1000) / r.faults, (x) => x.toFixed(1)],
];
const counted: [string, (t: Counted) => number][] = [
  ['CPU µs a fault over the run (process)', (t) => t.processCpuNs / 1000],
  ["  of it the workers' threads, µs", (t) => t.threadCpuNs / 1000],
  ["  of it the orchestrator's thread, µs", (t) => t.orchestratorCpuNs / 1000],
  ['  the rest (V8 compiler and GC threads), µs', (t) => (t.processCpuNs - t.threadCpuNs - t.orchestratorCpuNs) / 1000],
  ['workers waiting for a core, µs a fault', (t) => t.threadRunQueueNs / 1000],
  ["orchestrator's thread waiting for a core, µs", (t) => t.orchestratorRunQueueNs / 1000],
  ['wake-ups a fault (parks not timed out)', (t) => t.parks - t.parkTimeouts],
  ['notifies a fault', (t) => t.notifies],
  ['doorbell signals a fault', (t) => t.signals],
  ['passes a fault', (t) => t.passes],
  ['busy passes a fault', (t) => t.busyPasses],
  ['ring messages a fault', (t) => t.messagesIn],
];
for (const [name, f] of counted) measures.push([name, (r) => (r.transport === undefined ? NaN : f(r.transport) / r.faults), (x) => x.toFixed(2)]);
measures.push(['check events a poll', (r) => (r.transport === undefined || r.transport.polls === 0 ? NaN : r.transport.checkEvents / r.transport.polls), (x) => x.toFixed(0)]);

const faults = median(storm[0]!.map((r) => r.faults));
console.log(
  `threaded default-storm, ${inFlight} in flight, ${ms} ms a run, checker ${check ? 'on' : 'off'}, ${runs} alternated pairs (${faults.toFixed(0)} faults a run; start-up CPU ${startup.map((x) => x.toFixed(0)).join(' / ')} ms)${baseRoot ? `; before: ${baseRoot} ${process.env.BEFORE_OPTS ?? ''}` : ''}${process.env.AFTER_OPTS ? `; after: ${process.env.AFTER_OPTS}` : ''}`,
);
const header = sides.map(([n]) => n.padStart(10)).join(' ') + (sides.length > 1 ? '   after/before (median of pairs) [range]' : '');
console.log(`${''.padEnd(42)} ${header}`);
const row = (name: string, samples: RunOut[][], f: (r: RunOut, k: number) => number, fmt: (x: number) => string): void => {
  const vals = samples.map((xs, k) => xs.map((r) => f(r, k)));
  let line = `${name.padEnd(42)} ${vals.map((v) => fmt(median(v)).padStart(10)).join(' ')}`;
  if (sides.length > 1 && vals[1]!.every((x) => Number.isFinite(x))) {
    const ratios = vals[0]!.map((x, i) => x / vals[1]![i]!);
    line += `   ${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]`;
  }
  console.log(line);
};
for (const [name, f, fmt] of measures) row(name, storm, f, fmt);
row(
  'RTT p50 µs, one fault in flight',
  rtt,
  (r) => r.rttP50Ns / 1000,
  (x) => x.toFixed(0),
);
row(
  'wake-ups a fault, one in flight',
  rtt,
  (r) => (r.transport === undefined ? NaN : (r.transport.parks - r.transport.parkTimeouts) / r.faults),
  (x) => x.toFixed(2),
);
row(
  'notifies a fault, one in flight',
  rtt,
  (r) => (r.transport === undefined ? NaN : r.transport.notifies / r.faults),
  (x) => x.toFixed(2),
);
const bad = [...storm, ...rtt].flat().filter((r) => !r.ok).length;
console.log(bad === 0 ? 'every run: checks ok' : `${bad} runs FAILED their checks`);
