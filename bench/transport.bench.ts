// Transport benchmarks, each against a baseline measured in the same run (medians of several
// runs): ring throughput of 32-byte records between two threads vs postMessage of the same
// record; round-trip latency (p50, p99) of a ring + eventfd ping-pong vs a postMessage
// ping-pong vs a Comlink call — with the spin-then-park budget the runtime chooses for two
// threads on this machine and with no spin.

import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
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

function once<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
}

async function ringThroughput(records: number): Promise<number> {
  const l = layout();
  const w = spawnWorker(workerUrl, { mode: 'ring-sink', sab: l.sab, capacity, records, spinIters: spinBudgetFor(2, os.availableParallelism()), inRing: l.inRing, outRing: l.outRing, myFd: l.workerFd, peerFd: l.mainFd });
  await new Promise((r) => setTimeout(r, 300));
  const ring = new SabRing(l.sab, l.inRing, capacity, 8);
  const workerFd = new EventFd(l.sab, l.workerFd);
  const mainFd = new EventFd(l.sab, l.mainFd);
  const done = once<{ done: number }>(w);
  const t0 = performance.now();
  for (let seq = 0; seq < records;) {
    let n = 0;
    for (; n < 32 && seq < records; n++) {
      const at = ring.tryReserve();
      if (at < 0) break;
      ring.slots[at] = seq++;
    }
    if (n > 0) {
      ring.publish();
      workerFd.signal(1);
    } else if (ring.armSpaceWake()) {
      mainFd.wait(1000, 2000);
    }
  }
  await done;
  const perSec = records / ((performance.now() - t0) / 1000);
  await w.terminate();
  return perSec;
}

async function postThroughput(records: number): Promise<number> {
  const w = spawnWorker(workerUrl, { mode: 'post-sink', records });
  await new Promise((r) => setTimeout(r, 300));
  const done = once<string>(w);
  const rec = new Int32Array(8);
  const t0 = performance.now();
  for (let i = 0; i < records; i++) {
    rec[0] = i;
    w.postMessage(rec);
  }
  await done;
  const perSec = records / ((performance.now() - t0) / 1000);
  await w.terminate();
  return perSec;
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
    const back = new Promise<void>((r) => { resolveBack = r; });
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

async function comlinkRtt(rounds: number): Promise<{ p50: number; p99: number }> {
  const w = spawnWorker(workerUrl, { mode: 'comlink' });
  const api = Comlink.wrap<{ echo(x: Int32Array): Int32Array }>(nodeEndpoint(w));
  const rec = new Int32Array(8);
  const lat: number[] = [];
  for (let i = 0; i < rounds + 1000; i++) {
    const t0 = performance.now();
    await api.echo(rec);
    if (i >= 1000) lat.push((performance.now() - t0) * 1e3);
  }
  api[Comlink.releaseProxy]();
  await w.terminate();
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

export async function run(): Promise<Record<string, unknown>> {
  const records = Number(process.env.BENCH_RING_RECORDS ?? 5_000_000);
  const ring = await repeat(runs, () => ringThroughput(records));
  const post = await repeat(runs, () => postThroughput(Math.min(records, 500_000)));
  const spin = spinBudgetFor(2, os.availableParallelism());
  const rounds = Number(process.env.BENCH_RTT_ROUNDS ?? 20_000);
  const rttSpin = await repeat(runs, () => ringRtt(rounds, spin));
  const rttPark = await repeat(runs, () => ringRtt(rounds, 0));
  const rttPost = await repeat(runs, () => postRtt(rounds / 2));
  const rttComlink = await repeat(runs, () => comlinkRtt(rounds / 4));
  // Threads outnumber cores: two more busy threads; the runtime's budget for 4 threads on 2 cores.
  const busySpin = spinBudgetFor(os.availableParallelism() + 2, os.availableParallelism());
  const stop = await burners(os.availableParallelism());
  const rttBusyRing = await repeat(runs, () => ringRtt(rounds / 4, busySpin));
  const rttBusyRingSpin = await repeat(runs, () => ringRtt(rounds / 4, 2000));
  const rttBusyPost = await repeat(runs, () => postRtt(rounds / 4));
  await stop();
  const m = (xs: { p50: number; p99: number }[]): { p50: number; p99: number } => ({ p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)) });
  const r = {
    ringPerSec: median(ring), postPerSec: median(post), rttSpin: m(rttSpin), rttPark: m(rttPark), rttPost: m(rttPost), rttComlink: m(rttComlink), spin, runs,
    busy: { spin: busySpin, rttRing: m(rttBusyRing), rttRingSpin2000: m(rttBusyRingSpin), rttPost: m(rttBusyPost) },
  };
  console.log(`\nring throughput, 32-byte records, two threads: ${(r.ringPerSec / 1e6).toFixed(1)} M/s vs postMessage ${(r.postPerSec / 1e3).toFixed(0)} k/s = ${fmtRatio(r.ringPerSec / r.postPerSec)} (target ≥ 10×)`);
  console.log('round trip between two threads         p50        p99    p50 vs postMessage');
  const row = (name: string, x: { p50: number; p99: number }): void => console.log(`  ${name.padEnd(34)} ${x.p50.toFixed(1).padStart(7)} µs ${x.p99.toFixed(1).padStart(7)} µs   ${fmtRatio(x.p50 / r.rttPost.p50)}`);
  row(`ring + eventfd, spin ${spin} then park`, r.rttSpin);
  row('ring + eventfd, park at once', r.rttPark);
  row('postMessage', r.rttPost);
  row('Comlink call', r.rttComlink);
  console.log(`threads outnumber cores (${os.availableParallelism()} busy threads added):`);
  const rowBusy = (name: string, x: { p50: number; p99: number }): void => console.log(`  ${name.padEnd(34)} ${x.p50.toFixed(1).padStart(7)} µs ${x.p99.toFixed(1).padStart(7)} µs   ${fmtRatio(x.p50 / r.busy.rttPost.p50)}`);
  rowBusy(`ring + eventfd, spin ${busySpin} (chosen)`, r.busy.rttRing);
  rowBusy('ring + eventfd, spin 2000', r.busy.rttRingSpin2000);
  rowBusy('postMessage', r.busy.rttPost);
  return r;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
