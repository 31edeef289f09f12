// What one fault in flight is made of, against the bare five-stage chain's round trip, on
// threads: messages, Atomics.notify calls and wake-ups (parks ended by a signal) per fault and
// per round trip, counted by result.transport, with each side's RTT p50. At one in flight every
// hop wakes a parked peer, so the RTT ratio follows the ratio of sequential wake-ups.
//   RUNS=3 MS=2000 npx tsx bench/rtt-wakeups.ts    (2 s runs, as BENCH_ONLY=nested: shorter ones are still warming up)
import { chainTopology } from '../actors/chain/chain-topology.ts';
import { quantile, type Histogram } from '../src/metrics/histogram.ts';
import { runThreaded, type ThreadedResult } from '../src/runtime/threads/threaded-runtime.ts';
import { nestedTopology } from '../src/scenario/nested-topology.ts';
import { storm } from './nested.bench.ts';
import { median } from './stats.ts';

const runs = Number(process.env.RUNS ?? 3);
const ms = Number(process.env.MS ?? 2000);

interface Side {
  perRun: number;
  messages: number;
  notifies: number;
  wakeups: number;
  p50Us: number;
}

function per(r: ThreadedResult, n: number, p50Ns: number): Side {
  const t = r.transport;
  return { perRun: n, messages: t.messagesIn / n, notifies: t.notifies / n, wakeups: (t.parks - t.parkTimeouts) / n, p50Us: p50Ns / 1e3 };
}

async function chainOnce(): Promise<Side> {
  const r = await runThreaded(chainTopology({ requests: 0, durationNs: ms * 1e6, window: 1 }));
  const s = r.actors[0]!.stats as { completed: number; latencyNs: Histogram };
  return per(r, s.completed, quantile(s.latencyNs, 0.5));
}

async function nestedOnce(): Promise<Side> {
  const s = storm(1);
  s.durationMs = ms;
  // As runNested runs it (its timeScale), with the transport's counts, which runNested's report leaves out.
  const r = await runThreaded(nestedTopology(s).topology, { seed: 1, check: true, timeScale: s.threads.timeScale, timeLimitMs: ms * s.threads.timeScale * 3 + 30_000 });
  const d = r.actors.find((a) => a.name === 'device')!.stats as { faults: number; faultRttNs: Histogram };
  return per(r, d.faults, quantile(d.faultRttNs, 0.5));
}

const chain: Side[] = [];
const nested: Side[] = [];
for (let i = 0; i < runs; i++) {
  chain.push(await chainOnce());
  nested.push(await nestedOnce());
}
const m = (xs: Side[], k: keyof Side): number => median(xs.map((x) => x[k]));
const row = (name: string, xs: Side[]): string =>
  `${name.padEnd(22)} ${m(xs, 'messages').toFixed(2).padStart(8)} ${m(xs, 'notifies').toFixed(2).padStart(9)} ${m(xs, 'wakeups').toFixed(2).padStart(8)} ${m(xs, 'p50Us').toFixed(0).padStart(8)} µs`;
console.log(`one in flight, threads, median of ${runs} runs of ${ms} ms each`);
console.log(`${''.padEnd(22)} messages  notifies  wake-ups  RTT p50`);
console.log(row('chain, per round trip', chain));
console.log(row('nested, per fault', nested));
console.log(`wake-ups nested/chain ${(m(nested, 'wakeups') / m(chain, 'wakeups')).toFixed(2)}×, RTT p50 nested/chain ${(m(nested, 'p50Us') / m(chain, 'p50Us')).toFixed(2)}×`);
