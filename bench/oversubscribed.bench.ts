// The other half of the waiting story (ring.bench.ts has the idle half): round trips between
// two threads while busy threads keep every core occupied, so runnable threads outnumber
// cores. The spin budget the runtime chooses there (none) against spinning 2000 polls, both
// against a postMessage ping-pong measured under the same load (medians of several runs).

import os from 'node:os';
import { spawnWorker } from '../src/runtime/spawn-worker.ts';
import { EventFd, eventFdBytes, spinBudgetFor } from '../src/transport/eventfd.ts';
import { ringBytes, SabRing } from '../src/transport/sab-ring.ts';
import { fmtRatio, median, repeat } from './stats.ts';

const workerUrl = new URL('./fixtures/transport-bench.worker.ts', import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const capacity = 4096;

function layout(): { sab: SharedArrayBuffer; inRing: number; outRing: number; workerFd: number; mainFd: number } {
  const rb = ringBytes(capacity, 8);
  const sab = new SharedArrayBuffer(2 * rb + 2 * eventFdBytes);
  new SabRing(sab, 0, capacity, 8, undefined, { init: true });
  new SabRing(sab, rb, capacity, 8, undefined, { init: true });
  return { sab, inRing: 0, outRing: rb, workerFd: 2 * rb, mainFd: 2 * rb + eventFdBytes };
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function ringRtt(rounds: number, spinIters: number): Promise<{ p50: number; p99: number }> {
  const l = layout();
  const w = spawnWorker(workerUrl, { mode: 'ring-echo', sab: l.sab, capacity, records: rounds + 2000, spinIters, inRing: l.inRing, outRing: l.outRing, myFd: l.workerFd, peerFd: l.mainFd });
  await new Promise((r) => setTimeout(r, 300));
  const out = new SabRing(l.sab, l.inRing, capacity, 8);
  const back = new SabRing(l.sab, l.outRing, capacity, 8);
  const workerFd = new EventFd(l.sab, l.workerFd);
  const mainFd = new EventFd(l.sab, l.mainFd);
  const lat: number[] = [];
  const noop = (): void => undefined;
  for (let i = 0; i < rounds + 2000; i++) {
    const t0 = performance.now();
    out.slots[out.tryReserve()] = i;
    out.publish();
    workerFd.signal(1);
    while (back.drain(1, noop) === 0) mainFd.wait(1000, spinIters);
    if (i >= 2000) lat.push((performance.now() - t0) * 1e3);
  }
  await w.terminate();
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

async function postRtt(rounds: number): Promise<{ p50: number; p99: number }> {
  const w = spawnWorker(workerUrl, { mode: 'post-echo' });
  await new Promise((r) => setTimeout(r, 300));
  const lat: number[] = [];
  const rec = new Int32Array(8);
  let resolveBack: () => void = () => undefined;
  w.on('message', () => resolveBack());
  for (let i = 0; i < rounds + 1000; i++) {
    const t0 = performance.now();
    const back = new Promise<void>((r) => {
      resolveBack = r;
    });
    w.postMessage(rec);
    await back;
    if (i >= 1000) lat.push((performance.now() - t0) * 1e3);
  }
  await w.terminate();
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

/** Starts `n` workers that keep a core busy each, so threads outnumber cores; returns a stopper. */
async function burners(n: number): Promise<() => Promise<void>> {
  const sab = new SharedArrayBuffer(4);
  const ws = Array.from({ length: n }, () => spawnWorker(workerUrl, { mode: 'burn', sab }));
  await new Promise((r) => setTimeout(r, 300));
  return async () => {
    Atomics.store(new Int32Array(sab), 0, 1);
    await Promise.all(ws.map((w) => w.terminate()));
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const rounds = Number(process.env.BENCH_RTT_ROUNDS ?? 20_000) / 4;
  const cores = os.availableParallelism();
  // Threads outnumber cores: as many busy threads as cores, plus the two ping-pong threads.
  const chosen = spinBudgetFor(cores + 2, cores);
  const stop = await burners(cores);
  const ringChosen = await repeat(runs, () => ringRtt(rounds, chosen));
  const ringSpin = await repeat(runs, () => ringRtt(rounds, 2000));
  const post = await repeat(runs, () => postRtt(rounds));
  await stop();
  const m = (xs: { p50: number; p99: number }[]): { p50: number; p99: number } => ({ p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)) });
  const r = { chosenSpin: chosen, ringChosen: m(ringChosen), ringSpin2000: m(ringSpin), post: m(post), runs };
  console.log(`\nround trip between two threads while ${cores} more threads keep every core busy (median of ${runs}):`);
  const row = (name: string, x: { p50: number; p99: number }): void =>
    console.log(`  ${name.padEnd(34)} ${x.p50.toFixed(1).padStart(7)} µs ${x.p99.toFixed(1).padStart(8)} µs   p50 ${fmtRatio(x.p50 / r.post.p50)} of postMessage`);
  row(`ring + eventfd, spin ${chosen} (chosen)`, r.ringChosen);
  row('ring + eventfd, spin 2000', r.ringSpin2000);
  row('postMessage', r.post);
  return r;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
