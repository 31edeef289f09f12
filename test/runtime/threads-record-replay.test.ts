// Recording a run on real worker threads and replaying it exactly in one thread
// (src/runtime/record/): the replay gives the recorded run's whole report — tier stats,
// check events, verdict, violations with their causal chains — and a tampered recording
// stops with FAULTLINE_REPLAY_DIVERGED.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayRecordFile, type RecordMeta } from '../../src/runtime/record/recorded-run.ts';
import { formatReplay, parseReplayLine, replay, replaySourceOf } from '../../src/api/index.ts';
import { runNested } from '../../src/runtime/nested-run.ts';
import { ByteReader, ByteWriter } from '../../src/runtime/record/bytes.ts';
import { decodeRecordFile, encodeRecordFile } from '../../src/runtime/record/record-file.ts';
import { emptyStep, kindChannel, StepReader, StepWriter, type StepRecord } from '../../src/runtime/record/step-format.ts';
import { liveWorkerCount } from '../../src/runtime/spawn-worker.ts';
import { replayRecording } from '../../src/runtime/record/replay-runtime.ts';
import { runThreaded } from '../../src/runtime/threads/threaded-runtime.ts';
import { chainTopology } from '../../actors/chain/chain-topology.ts';
import { memRaceActor } from '../fixtures/mem-race.actor.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { NestedReport } from '../../src/report/nested-report.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function recordedRun(name: string, durationMs: number, bugs: string[], file: string): Promise<NestedReport> {
  const { scenario } = loadScenario(name);
  scenario.durationMs = durationMs;
  // durationMs here is wall-clock time: scenario time runs at the wall clock's pace.
  scenario.threads.timeScale = 1;
  scenario.bugs = [...new Set([...scenario.bugs, ...bugs])];
  return runNested(scenario, { runtime: 'threads', seed: 3, record: file });
}

// One clean recording shared by the tests that replay or tamper with it. Worker start-up eats
// into a short run's wall-clock workload window, so it is retried until faults flowed.
const cleanFile = join(dir, 'clean.flrec');
let cleanRun: Promise<NestedReport> | null = null;
function cleanRecording(): Promise<NestedReport> {
  cleanRun ??= (async () => {
    let r = await recordedRun('default-storm', 60, [], cleanFile);
    for (let attempt = 1; attempt < 4 && r.faults.raised === 0; attempt++) r = await recordedRun('default-storm', 60, [], cleanFile);
    return r;
  })();
  return cleanRun;
}

describe('recording a threaded run and replaying it exactly', () => {
  it('a clean run replays to the same report: tier stats, channels, marks, check events, verdict', async () => {
    const file = cleanFile;
    const recorded = await cleanRecording();
    expect(liveWorkerCount()).toBe(0);
    expect(recorded.faults.raised).toBeGreaterThan(0);
    expect(recorded.replay).toBe(`faultline replay --record ${file}`);
    const { report, result } = replayRecordFile(file);
    expect(report.tiers).toEqual(recorded.tiers);
    expect(report.checker?.events).toBe(recorded.checker?.events);
    expect(report.ok).toBe(recorded.ok);
    expect(report).toEqual(recorded);
    expect(result.steps).toBeGreaterThan(100);
  });

  it('a failing run (vprq-overflow with vprq-drop-leaks-cookie) replays to the same violations and causal chains', async () => {
    const file = join(dir, 'failing.flrec');
    // A thread race: the overflow needs the bursts to meet a full virtual PRQ, which nearly every run does.
    let recorded: NestedReport | null = null;
    for (let attempt = 0; attempt < 5 && !recorded?.checker?.violations.length; attempt++) {
      recorded = await recordedRun('vprq-overflow', 100, ['vprq-drop-leaks-cookie'], file);
    }
    expect(recorded!.checker!.violations.length).toBeGreaterThan(0);
    const spec = parseReplayLine([recorded!.replay]);
    expect(spec.record).toBe(file);
    const report = await replay(spec);
    expect(report.checker!.violations).toEqual(recorded!.checker!.violations);
    expect(report.checks).toEqual(recorded!.checks);
    expect(report.tiers).toEqual(recorded!.tiers);
    expect(report.ok).toBe(false);
    const text = formatReplay(replaySourceOf(spec), report);
    expect(text).toContain(`violation ${recorded!.checker!.violations[0]!.invariant}: ${recorded!.checker!.violations[0]!.message}`);
    expect(text).toMatch(/reproduced: \d+ violation/);
  });

  it('a recording whose step was moved to another channel stops with FAULTLINE_REPLAY_DIVERGED naming the step and actor', async () => {
    await cleanRecording();
    const rec = decodeRecordFile<RecordMeta>(readFileSync(cleanFile));
    const { channels } = rec.run.topology;
    // The first message step of the run whose receiver has another inbound channel: point it at that one.
    let target: { worker: number; index: number; other: number; batch: number } | null = null;
    const decoded = rec.run.workers.map((w, wi) => {
      const reader = new StepReader(new ByteReader(w.steps, 'steps'));
      const steps: StepRecord[] = [];
      for (let r = emptyStep(); reader.next(r); r = emptyStep()) steps.push(r);
      steps.forEach((s, index) => {
        if (s.kind !== kindChannel) return;
        const other = channels.findIndex((c, ci) => ci !== s.source && c.to === channels[s.source]!.to);
        if (other >= 0 && (target === null || s.batch < target.batch)) target = { worker: wi, index, other, batch: s.batch };
      });
      return steps;
    });
    expect(target).not.toBeNull();
    const t = target as unknown as { worker: number; index: number; other: number };
    decoded[t.worker]![t.index]!.source = t.other;
    const out = new ByteWriter();
    const writer = new StepWriter(out);
    for (const s of decoded[t.worker]!) writer.write(s.kind, s.source, s.batch, s.nowNs, s.sends, s.refusedSends, s.memReads);
    rec.run.workers[t.worker]!.steps = out.take();
    const tampered = join(dir, 'tampered.flrec');
    writeFileSync(tampered, encodeRecordFile(rec));
    let error: unknown;
    try {
      replayRecordFile(tampered);
    } catch (err) {
      error = err;
    }
    expect((error as { code?: string }).code).toBe('FAULTLINE_REPLAY_DIVERGED');
    expect((error as Error).message).toMatch(/at step \d+ \(worker \d+, actor '\w+'/);
  });

  it('a recording replayed with other actor behaviour (another rng seed) diverges at a named step', async () => {
    // With faults flowing the device's random choices reach the other tiers.
    expect((await cleanRecording()).faults.raised).toBeGreaterThan(0);
    const rec = decodeRecordFile<RecordMeta>(readFileSync(cleanFile));
    rec.run.seed += 1;
    const reseeded = join(dir, 'reseeded.flrec');
    writeFileSync(reseeded, encodeRecordFile(rec));
    expect(() => replayRecordFile(reseeded)).toThrow(/FAULTLINE_REPLAY_DIVERGED: at step \d+ \(worker \d+, actor '\w+'/);
  });

  it('refused sends, sys.writable and actors sharing a worker replay exactly (the chain with 4-slot rings on 2 workers)', async () => {
    const topology = chainTopology({ requests: 20_000, window: 128, capacity: 4, workers: 2 });
    const r = await runThreaded(topology, { record: true, seed: 5 });
    expect(r.channels.some((c) => c.refused > 0)).toBe(true);
    const replay = replayRecording(topology, r.recording!);
    expect(replay.steps).toBe(r.steps);
    expect(replay.channels).toEqual(r.channels);
    expect(replay.actors.map((a) => [a.name, a.pending, a.stats])).toEqual(r.actors.map((a) => [a.name, a.pending, a.stats]));
    expect(replay.marks).toEqual(r.marks);
  });

  it('loads racing with stores on another worker replay the words the threaded run saw', async () => {
    const topology = {
      actors: [
        { name: 'writer', def: memRaceActor, config: { role: 'writer', rounds: 3000 } },
        { name: 'reader', def: memRaceActor, config: { role: 'reader', rounds: 3000 } },
      ],
      channels: [],
      memories: [{ name: 'race', words: 16 }],
    };
    const r = await runThreaded(topology, { record: true, check: false });
    const replay = replayRecording(topology, r.recording!);
    expect(replay.actors.map((a) => a.stats)).toEqual(r.actors.map((a) => a.stats));
    expect((replay.actors[1]!.stats as { loads: number }).loads).toBe(3000 * 16);
  });

  it('the byte streams round-trip small, large and signed values', () => {
    const w = new ByteWriter(4);
    const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 1e10, 2 ** 53 - 1];
    for (const v of values) w.uint(v);
    for (const v of [-1, 1, -1e10, 0]) w.int(v);
    const r = new ByteReader(w.take(), 'test');
    expect(values.map(() => r.uint())).toEqual(values);
    expect([r.int(), r.int(), r.int(), r.int()]).toEqual([-1, 1, -1e10, 0]);
    expect(r.done).toBe(true);
  });
});
