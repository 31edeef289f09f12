// The orchestrator's merge of the workers' check logs alone, before/after: one simulator run's
// check events (default-storm, seed 1, MS ms) captured once, written into five per-worker log
// rings by CheckLogWriters in worker-sized batches (each event to its actor's worker, as on
// threads), and merged back by a CheckLogMerger every POLL events, in one thread; this
// checkout's check-log.ts and, with ROOT, another's, alternated. CPU per event of the merge
// (pump: drain, copy, order, decode) measured around the pumps only, and a digest of the
// merged order and of every 97th decoded event, which must be the same on both sides.
//   ROOT=/work/base9 RUNS=9 MS=50 npx tsx bench/check-log-merge.ts
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Checker } from '../src/check/checker.ts';
import type { CheckEvent } from '../src/protocol/messages.ts';
import { runNested } from '../src/runtime/nested-run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { controlWords } from '../src/runtime/threads/control-block.ts';
import { logCapacityDefault, logSlotWords } from '../src/runtime/threads/layout.ts';
import { SabRing, ringBytes } from '../src/transport/sab-ring.ts';
import { alternateSides, median } from './stats.ts';

const ms = Number(process.env.MS ?? 50);
const runs = Number(process.env.RUNS ?? 9);
const pollEvents = Number(process.env.POLL ?? 2000);
const batchEvents = Number(process.env.BATCH ?? 6);

const evs: CheckEvent[] = [];
const meta: number[] = [];
const original = Checker.prototype.event;
Checker.prototype.event = function (this: Checker, ev, seq, timeNs, actor) {
  evs.push(ev);
  meta.push(timeNs, actor);
  original.call(this, ev, seq, timeNs, actor);
};
const { scenario } = loadScenario('default-storm');
scenario.durationMs = ms;
const r = await runNested(scenario, { runtime: 'sim', seed: 1 });
Checker.prototype.event = original;

type CheckLogModule = typeof import('../src/runtime/threads/check-log.ts');
const sides: [string, CheckLogModule][] = [['this', await import('../src/runtime/threads/check-log.ts')]];
const base = process.env.ROOT === undefined ? undefined : resolve(process.env.ROOT);
if (base) sides.push([base, (await import(`${base}/src/runtime/threads/check-log.ts`)) as CheckLogModule]);
const workers = 5;

function once(m: CheckLogModule): { pumpCpuUs: number; digest: string } {
  const ringB = ringBytes(logCapacityDefault, logSlotWords);
  const sab = new SharedArrayBuffer(workers * (ringB + controlWords * 4) + 64);
  const seq = new Int32Array(sab, workers * (ringB + controlWords * 4), 1);
  const sources = Array.from({ length: workers }, (_, i) => {
    const at = i * (ringB + controlWords * 4);
    return { ring: new SabRing(sab, at, logCapacityDefault, logSlotWords, undefined, { init: true }), control: new Int32Array(sab, at + ringB, controlWords) };
  });
  const writers = sources.map((s) => new m.CheckLogWriter(new SabRing(sab, sources.indexOf(s) * (ringB + controlWords * 4), logCapacityDefault, logSlotWords), seq, s.control));
  // The sink keeps what it was handed in preallocated columns (cheap next to the merge); hashed after the timing.
  const seqs = new Float64Array(evs.length);
  const times = new Float64Array(evs.length);
  const actors = new Int32Array(evs.length);
  const sampled: string[] = [];
  let got = 0;
  const merger = new m.CheckLogMerger(sources, seq, (ev, s, actor, timeNs) => {
    seqs[got] = s;
    times[got] = timeNs;
    actors[got] = actor;
    if (got++ % 97 === 0) sampled.push(JSON.stringify(ev));
  });
  let pumpUs = 0;
  const pump = (): void => {
    const c0 = process.cpuUsage();
    merger.pump();
    const d = process.cpuUsage(c0);
    pumpUs += d.user + d.system;
  };
  // Each worker writes runs of up to batchEvents consecutive events of its actor, then publishes (a pass).
  let sinceLastPoll = 0;
  let last = -1;
  for (let k = 0; k < evs.length; k++) {
    const actor = meta[2 * k + 1]!;
    const w = actor % workers;
    if (w !== last && last >= 0) writers[last]!.publish();
    writers[w]!.emit(evs[k]!, actor, meta[2 * k]!);
    last = w;
    if (k % batchEvents === batchEvents - 1) writers[w]!.publish();
    if (++sinceLastPoll === pollEvents) {
      for (const wr of writers) wr.publish();
      pump();
      sinceLastPoll = 0;
    }
  }
  for (const wr of writers) wr.publish();
  pump();
  if (merger.count !== evs.length) throw new Error(`merged ${merger.count} of ${evs.length} events`);
  const hash = createHash('sha1');
  hash.update(new Uint8Array(seqs.buffer)).update(new Uint8Array(times.buffer)).update(new Uint8Array(actors.buffer));
  for (const text of sampled) hash.update(text);
  return { pumpCpuUs: pumpUs, digest: hash.digest('hex').slice(0, 12) };
}

const { cpu, digests } = alternateSides(sides, runs, ([, side]) => {
  const o = once(side);
  return { cpu: o.pumpCpuUs, digest: o.digest };
});
console.log(`check-log merge on ${evs.length} check events of ${r.faults.raised} faults (default-storm ${ms} ms), a pump every ${pollEvents} events, median of ${runs}:`);
sides.forEach(([name], j) =>
  console.log(`  ${name}: ${((median(cpu[j]!) / evs.length) * 1000).toFixed(0)} ns an event (${(median(cpu[j]!) / 1000).toFixed(1)} ms), order digest ${[...digests[j]!].join(', ')}`),
);
if (sides.length > 1) {
  const ratios = cpu[0]!.map((x, i) => x / cpu[1]![i]!);
  console.log(`  this/before per pair: median ${median(ratios).toFixed(2)} [${ratios.map((x) => x.toFixed(2)).join(', ')}]`);
}
