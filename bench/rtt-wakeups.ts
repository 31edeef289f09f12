// What one fault in flight is made of, against the bare five-stage chain's round trip, on
// threads: messages, Atomics.notify calls and wake-ups (parks ended by a signal) per fault and
// per round trip, counted by result.transport, with each side's RTT p50. At one in flight every
// hop wakes a parked peer, so the RTT ratio follows the ratio of sequential wake-ups.
//   RUNS=3 MS=1000 npx tsx bench/rtt-wakeups.ts
import { chainTopology } from '../actors/chain/chain-topology.ts';
import { quantile, type Histogram } from '../src/metrics/histogram.ts';
import { runNested } from '../src/runtime/nested-run.ts';
import { runThreaded, type ThreadedResult } from '../src/runtime/threads/threaded-runtime.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { nestedTopology } from '../src/scenario/nested-topology.ts';
import { median } from './stats.ts';

const runs = Number(process.env.RUNS ?? 3);
const ms = Number(process.env.MS ?? 1000);

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
  const { scenario } = loadScenario('default-storm');
  scenario.durationMs = ms;
  scenario.devices = [scenario.devices[0]!];
  scenario.devices[0]!.pasids = [1];
  scenario.workload.inFlight = 1;
  // The RTT from the nested run's own report; the counts from the threaded run underneath.
  const r = await runThreaded(nestedTopology(scenario).topology, { seed: 1, check: true, timeLimitMs: ms * 3 + 30_000 });
  const faults = (r.actors.find((a) => a.name === 'device')!.stats as { faults: number }).faults;
  const report = await runNested(scenario, { runtime: 'threads', seed: 1, check: true });
  return per(r, faults, report.faults.roundTripNs.p50);
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
