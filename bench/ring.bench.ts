// Transport benchmark: SAB ring vs postMessage vs Comlink between two real worker threads.
// - Throughput of 32-byte records: raw ring (in-place writes, publish + doorbell every 32),
//   the same through SabPort (codec copy in, Int32Array allocation out), and postMessage of an
//   Int32Array(8). Ratios are taken per run against postMessage measured in the same run.
// - Round-trip latency p50/p99 of one record: ring + EventFd with spin-then-park
//   (spinBudgetFor(2 threads, cores)) and with no spin (park at once), postMessage ping-pong,
//   and a Comlink call.
// Each figure is the median (with min–max) of `runs` runs after one warm-up run; both workers
// live for the whole benchmark (worker start-up stays outside every measured interval).
// Run: node --import tsx bench/ring.bench.ts
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { spawnWorker } from '../src/runtime/spawn-worker.ts';
import { EventFd, eventFdBytes, spinBudgetFor } from '../src/transport/eventfd.ts';
import { SabRing, ringBytes } from '../src/transport/sab-ring.ts';
import { recordWords, type Command, type Reply, type SabPlan } from './fixtures/ring-bench-types.ts';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface RingBenchOptions {
  runs: number;
  ringRecords: number;
  portRecords: number;
  postMessageRecords: number;
  spinTrips: number;
  parkTrips: number;
  messageTrips: number;
  capacitySlots: number;
  batch: number;
}

export interface LatencyResult {
  p50Us: Spread;
  p99Us: Spread;
  tripsPerSec: Spread;
}

export interface RingBenchResults {
  /**
   * otherCores: CPU time used by everything except this process during the bench, per second
   * of wall time (from /proc/stat; NaN elsewhere). Other work competing for the two cores skews
   * every figure — spinning above all — so the table flags it.
   */
  machine: { cpus: number; node: string; otherCores: number };
  options: RingBenchOptions;
  spinIters: number;
  throughput: {
    ringMsgsPerSec: Spread;
    sabPortMsgsPerSec: Spread;
    postMessageMsgsPerSec: Spread;
    ringOverPostMessage: Spread;
    sabPortOverPostMessage: Spread;
  };
  latency: {
    ringSpin: LatencyResult;
    ringPark: LatencyResult;
    postMessage: LatencyResult;
    comlink: LatencyResult;
    /** postMessage p50 ÷ ring p50 (how many times faster the ring is), per run. */
    postMessageOverRingSpinP50: Spread;
    postMessageOverRingParkP50: Spread;
    comlinkOverRingParkP50: Spread;
  };
  wallSeconds: number;
}

export const defaultOptions: RingBenchOptions = {
  runs: 5,
  ringRecords: 10_000_000,
  portRecords: 2_000_000,
  postMessageRecords: 200_000,
  spinTrips: 100_000,
  parkTrips: 8_000,
  messageTrips: 8_000,
  capacitySlots: 4096,
  batch: 32,
};

/** Busy CPU seconds of the whole machine since boot (Linux /proc/stat, USER_HZ = 100), or NaN. */
function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return (cpu.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / 100;
  } catch {
    return Number.NaN;
  }
}

function otherCores(busyBefore: number, ownBefore: NodeJS.CpuUsage, startedMs: number): number {
  const own = process.cpuUsage(ownBefore);
  const ownSeconds = (own.user + own.system) / 1e6;
  const wallSeconds = (performance.now() - startedMs) / 1000;
  return Math.max(0, (machineBusySeconds() - busyBefore - ownSeconds) / wallSeconds);
}

const spread = (xs: number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
};

const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

class Pair {
  private readonly workers: [Worker, Worker];
  constructor() {
    const url = new URL('./fixtures/ring-bench.worker.ts', import.meta.url);
    this.workers = [spawnWorker(url), spawnWorker(url)];
  }

  send(index: 0 | 1, cmd: Command, transfer: MessagePort[] = []): Promise<Reply> {
    const w = this.workers[index];
    return new Promise((resolve, reject) => {
      const onMessage = (m: Reply | { error: string }): void => {
        w.off('error', reject);
        if ('error' in m) reject(new Error(m.error));
        else resolve(m);
      };
      w.once('message', onMessage);
      w.once('error', reject);
      w.postMessage(cmd, transfer as never);
    });
  }

  both(a: Command, b: Command): Promise<[Reply, Reply]> {
    return Promise.all([this.send(0, a), this.send(1, b)]);
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.postMessage({ cmd: 'exit' } satisfies Command);
    await Promise.all(this.workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  }
}

function freshPlan(capacitySlots: number): SabPlan {
  const rb = ringBytes(capacitySlots, recordWords);
  const sab = new SharedArrayBuffer(2 * rb + 2 * eventFdBytes);
  const plan: SabPlan = { sab, ringAB: 0, ringBA: rb, efdA: 2 * rb, efdB: 2 * rb + eventFdBytes, capacitySlots };
  new SabRing(sab, plan.ringAB, capacitySlots, recordWords, undefined, { init: true });
  new SabRing(sab, plan.ringBA, capacitySlots, recordWords, undefined, { init: true });
  new EventFd(sab, plan.efdA, undefined, { init: true });
  new EventFd(sab, plan.efdB, undefined, { init: true });
  return plan;
}

async function throughput(pair: Pair, kind: 'ring-tput' | 'port-tput' | 'pm-tput', records: number, o: RingBenchOptions, spinIters: number): Promise<number> {
  let replies: [Reply, Reply];
  if (kind === 'pm-tput') {
    // Receiver first, so its listener is in place before the burst (messages would queue anyway).
    const receiving = pair.send(1, { cmd: kind, side: 'b', records });
    const sent = await pair.send(0, { cmd: kind, side: 'a', records });
    replies = [sent, await receiving];
  } else {
    const plan = freshPlan(o.capacitySlots);
    replies = await pair.both({ cmd: kind, side: 'a', plan, records, batch: o.batch, spinIters }, { cmd: kind, side: 'b', plan, records, batch: o.batch, spinIters });
  }
  const [a, b] = replies;
  return records / ((b.atMs - a.atMs) / 1000);
}

interface Trip {
  p50: number;
  p99: number;
  perSec: number;
}

async function latency(pair: Pair, kind: 'ring-rtt' | 'pm-rtt' | 'comlink-rtt', trips: number, spinIters: number): Promise<Trip> {
  let a: Reply;
  if (kind === 'ring-rtt') {
    const plan = freshPlan(16);
    [a] = await pair.both({ cmd: kind, side: 'a', plan, trips, spinIters }, { cmd: kind, side: 'b', plan, trips, spinIters });
  } else if (kind === 'pm-rtt') {
    [a] = await pair.both({ cmd: kind, side: 'a', trips }, { cmd: kind, side: 'b', trips });
  } else {
    await pair.send(1, { cmd: kind, side: 'b', trips });
    a = await pair.send(0, { cmd: kind, side: 'a', trips });
  }
  const rtt = a.rttUs!;
  let total = 0;
  for (const x of rtt) total += x;
  rtt.sort();
  return { p50: percentile(rtt, 0.5), p99: percentile(rtt, 0.99), perSec: rtt.length / (total / 1e6) };
}

export async function run(options: Partial<RingBenchOptions> = {}): Promise<RingBenchResults> {
  const o: RingBenchOptions = { ...defaultOptions, ...options };
  const cores = os.availableParallelism();
  const spinIters = spinBudgetFor(2, cores);
  const started = performance.now();
  const busyBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const pair = new Pair();
  try {
    const pm = new MessageChannel();
    const cl = new MessageChannel();
    await Promise.all([pair.send(0, { cmd: 'ports', pm: pm.port1, comlink: cl.port1 }, [pm.port1, cl.port1]), pair.send(1, { cmd: 'ports', pm: pm.port2, comlink: cl.port2 }, [pm.port2, cl.port2])]);

    const ring: number[] = [],
      port: number[] = [],
      post: number[] = [],
      ringRatio: number[] = [],
      portRatio: number[] = [];
    const lat: Record<'ringSpin' | 'ringPark' | 'postMessage' | 'comlink', Trip[]> = { ringSpin: [], ringPark: [], postMessage: [], comlink: [] };
    for (let r = -1; r < o.runs; r++) {
      const warm = r < 0; // one warm-up round, smaller, discarded
      const k = warm ? 0.2 : 1;
      const ringRate = await throughput(pair, 'ring-tput', Math.round(o.ringRecords * k), o, spinIters);
      const portRate = await throughput(pair, 'port-tput', Math.round(o.portRecords * k), o, spinIters);
      const postRate = await throughput(pair, 'pm-tput', Math.round(o.postMessageRecords * k), o, spinIters);
      const spin = await latency(pair, 'ring-rtt', Math.round(o.spinTrips * k), spinIters);
      const park = await latency(pair, 'ring-rtt', Math.round(o.parkTrips * k), 0);
      const pmr = await latency(pair, 'pm-rtt', Math.round(o.messageTrips * k), 0);
      const clr = await latency(pair, 'comlink-rtt', Math.round(o.messageTrips * k), 0);
      if (warm) continue;
      ring.push(ringRate);
      port.push(portRate);
      post.push(postRate);
      ringRatio.push(ringRate / postRate);
      portRatio.push(portRate / postRate);
      lat.ringSpin.push(spin);
      lat.ringPark.push(park);
      lat.postMessage.push(pmr);
      lat.comlink.push(clr);
    }
    const summarise = (xs: Trip[]): LatencyResult => ({
      p50Us: spread(xs.map((x) => x.p50)),
      p99Us: spread(xs.map((x) => x.p99)),
      tripsPerSec: spread(xs.map((x) => x.perSec)),
    });
    const perRun = (num: Trip[], den: Trip[]): Spread => spread(num.map((x, i) => x.p50 / den[i]!.p50));
    return {
      machine: { cpus: cores, node: process.version, otherCores: otherCores(busyBefore, ownBefore, started) },
      options: o,
      spinIters,
      throughput: {
        ringMsgsPerSec: spread(ring),
        sabPortMsgsPerSec: spread(port),
        postMessageMsgsPerSec: spread(post),
        ringOverPostMessage: spread(ringRatio),
        sabPortOverPostMessage: spread(portRatio),
      },
      latency: {
        ringSpin: summarise(lat.ringSpin),
        ringPark: summarise(lat.ringPark),
        postMessage: summarise(lat.postMessage),
        comlink: summarise(lat.comlink),
        postMessageOverRingSpinP50: perRun(lat.postMessage, lat.ringSpin),
        postMessageOverRingParkP50: perRun(lat.postMessage, lat.ringPark),
        comlinkOverRingParkP50: perRun(lat.comlink, lat.ringPark),
      },
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await pair.close();
  }
}

const fmtRate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(0)} k`);
const fmtUs = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtSpread = (s: Spread, f: (x: number) => string): string => `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
const fmtRatio = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(2));

export function formatResults(r: RingBenchResults): string {
  const t = r.throughput;
  const l = r.latency;
  const lines = [
    `ring.bench — ${r.machine.cpus} CPUs, Node ${r.machine.node}, median [min–max] of ${r.options.runs} runs, spin budget ${r.spinIters} polls`,
    `  other processes used ${r.machine.otherCores.toFixed(2)} cores on average during the run` +
      (r.machine.otherCores > 0.15 ? ' — the machine was not idle: figures are skewed, rerun on an idle machine' : ''),
    '',
    `Throughput, 32-byte records, thread → thread (ring ${r.options.capacitySlots} slots, publish + doorbell every ${r.options.batch})`,
    `  ${'transport'.padEnd(40)}${'msgs/s'.padEnd(26)}× postMessage`,
    `  ${'SAB ring, raw slots'.padEnd(40)}${fmtSpread(t.ringMsgsPerSec, fmtRate).padEnd(26)}${fmtSpread(t.ringOverPostMessage, fmtRatio)}`,
    `  ${'SabPort (codec, alloc per msg)'.padEnd(40)}${fmtSpread(t.sabPortMsgsPerSec, fmtRate).padEnd(26)}${fmtSpread(t.sabPortOverPostMessage, fmtRatio)}`,
    `  ${'postMessage(Int32Array(8))'.padEnd(40)}${fmtSpread(t.postMessageMsgsPerSec, fmtRate).padEnd(26)}1`,
    '',
    'Round trip of one record, thread ↔ thread (µs)',
    `  ${'transport'.padEnd(40)}${'p50'.padEnd(24)}${'p99'.padEnd(24)}round trips/s`,
    ...(
      [
        [`ring + EventFd, spin ${r.spinIters} then park`, l.ringSpin],
        ['ring + EventFd, park at once', l.ringPark],
        ['postMessage ping-pong', l.postMessage],
        ['Comlink call', l.comlink],
      ] as const
    ).map(([name, x]) => `  ${name.padEnd(40)}${fmtSpread(x.p50Us, fmtUs).padEnd(24)}${fmtSpread(x.p99Us, fmtUs).padEnd(24)}${fmtRate(x.tripsPerSec.median)}`),
    '',
    `  p50 ratios (same run): postMessage ÷ ring-spin ${fmtSpread(l.postMessageOverRingSpinP50, fmtRatio)}×, ` +
      `postMessage ÷ ring-park ${fmtSpread(l.postMessageOverRingParkP50, fmtRatio)}×, ` +
      `Comlink ÷ ring-park ${fmtSpread(l.comlinkOverRingParkP50, fmtRatio)}×`,
    `  wall time ${r.wallSeconds.toFixed(1)} s`,
  ];
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run();
  console.log(formatResults(results));
}
