// What recording a threaded run costs (src/runtime/record/): the nested storm on threads with
// and without --record, runs interleaved so drift hits both alike, as faults answered per
// second (ratio recorded / not recorded); the recording's size per step; and how fast the
// exact replay goes through the recorded steps. The bare chain (one message per step, no
// work in it) gives the worst case: the recorder's cost against nothing else.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { replayRecordFile } from '../src/runtime/record/recorded-run.ts';
import { runNested } from '../src/runtime/nested-run.ts';
import { decodeRecordFile } from '../src/runtime/record/record-file.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { fmtRatio, median } from './stats.ts';
import { chainTopology } from '../actors/chain/chain-topology.ts';
import { runThreaded } from '../src/runtime/threads/threaded-runtime.ts';

async function chainPerSec(record: boolean): Promise<number> {
  const r = await runThreaded(chainTopology({ requests: 200_000, window: 64 }), { record });
  return 200_000 / (r.wallMs / 1000);
}

const runs = Number(process.env.BENCH_RUNS ?? 3);
const durationMs = Number(process.env.BENCH_NESTED_MS ?? 2000);

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-record-bench-'));
  const rows: Record<string, unknown>[] = [];
  try {
    for (const inFlight of [64, 512]) {
      const { scenario } = loadScenario('default-storm');
      scenario.durationMs = durationMs;
      scenario.workload.inFlight = inFlight / 16;
      const off: number[] = [];
      const on: number[] = [];
      let file = '';
      for (let i = 0; i < runs; i++) {
        off.push((await runNested(scenario, { runtime: 'threads', seed: 1 })).faults.perSec);
        file = join(dir, `storm-${inFlight}-${i}.flrec`);
        on.push((await runNested(scenario, { runtime: 'threads', seed: 1, record: file })).faults.perSec);
      }
      const steps = decodeRecordFile(readFileSync(file)).run.steps;
      const bytes = statSync(file).size;
      const t0 = performance.now();
      replayRecordFile(file);
      const replayMs = performance.now() - t0;
      rows.push({
        inFlight,
        offPerSec: median(off),
        onPerSec: median(on),
        ratio: median(on) / median(off),
        steps,
        fileBytes: bytes,
        bytesPerStep: bytes / steps,
        replayStepsPerSec: steps / (replayMs / 1000),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const chainOff: number[] = [];
  const chainOn: number[] = [];
  for (let i = 0; i < runs; i++) {
    chainOff.push(await chainPerSec(false));
    chainOn.push(await chainPerSec(true));
  }
  const chain = { offPerSec: median(chainOff), onPerSec: median(chainOn), ratio: median(chainOn) / median(chainOff) };
  console.log(`\nrecording a threaded run: nested storm, one worker per tier (median of ${runs}, ${durationMs} ms each, runs interleaved)`);
  console.log('in flight   faults/s off   faults/s recorded (ratio)   steps (last run)   file bytes/step (gzip)   replay steps/s');
  for (const r of rows) {
    console.log(
      `${String(r.inFlight).padStart(9)}   ${(r.offPerSec as number).toFixed(0).padStart(12)}   ${(r.onPerSec as number).toFixed(0).padStart(17)} (${fmtRatio(r.ratio as number)})   ${String(r.steps).padStart(16)}   ${(r.bytesPerStep as number).toFixed(2).padStart(22)}   ${((r.replayStepsPerSec as number) / 1e3).toFixed(0).padStart(12)} k`,
    );
  }
  console.log(`bare chain, 200 k round trips, window 64: ${chain.offPerSec.toFixed(0)} round trips/s off, ${chain.onPerSec.toFixed(0)} recorded (${fmtRatio(chain.ratio)})`);
  return { rows, chain };
}
