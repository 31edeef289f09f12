// Open-loop workloads from the command line and on real worker threads: bad arrival input is
// refused before the run (exit 2, the option and key named, a did-you-mean, no stack trace), a
// trace file's bad row names its file and line, and a short threaded run with Poisson arrivals
// answers every group exactly once. Needs the build (npm test builds first).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runNested } from '../../src/runtime/nested-run.ts';
import { liveWorkerCount } from '../../src/runtime/spawn-worker.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const run = promisify(execFile);
const cli = (args: string[], cwd?: string) =>
  run(process.execPath, [join(process.cwd(), 'bin/faultline.mjs'), ...args], { encoding: 'utf8', ...(cwd ? { cwd } : {}) })
    .then((r) => ({ code: 0, out: r.stdout, err: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }));

const noStack = /\n\s+at .*\(.*:\d+:\d+\)/;

describe('open-loop workloads on the command line', () => {
  it('a misspelt arrival process gets a did-you-mean and exit 2', async () => {
    const r = await cli(['run', 'prq-knee', '--runtime', 'sim', '--set', 'workload.arrival.process=poisons']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /--set workload\.arrival\.process=poisons: scenario\.workload\.arrival\.process: expected one of 'closed', 'poisson', 'constant', 'onoff', 'trace', got "poisons" \(did you mean 'poisson'\?\)/,
    );
    expect(r.err).not.toMatch(noStack);
  });

  it('a negative rate and an unknown pattern are refused with the key, before the run', async () => {
    const neg = await cli(['run', 'prq-knee', '--runtime', 'sim', '--set', 'workload.arrival.ratePerSec=-3']);
    expect(neg.code).toBe(2);
    expect(neg.err).toMatch(/--set workload\.arrival\.ratePerSec=-3: scenario\.workload\.arrival\.ratePerSec: expected a positive number of arrivals per second/);
    const pattern = await cli(['sweep', 'prq-knee', '--set', 'workload.pattern=zipf,zigzag']);
    expect(pattern.code).toBe(2);
    expect(pattern.err).toMatch(/value zigzag: scenario\.workload\.pattern: expected one of/);
    expect(pattern.err).not.toMatch(/runs? in/);
  });

  it('a missing trace file and a bad trace row are refused with exit 2, naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-trace-cli-'));
    const scenario = join(dir, 's.yaml');
    writeFileSync(scenario, 'name: s\ndurationMs: 1\ndevices: [{ name: gpu0, rid: 1, pasids: [1] }]\nworkload: { arrival: { process: trace, file: t.csv } }\n');
    const missing = await cli(['run', scenario, '--runtime', 'sim']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/s\.yaml:4:\d+: scenario\.workload\.arrival\.file: cannot read trace file .*t\.csv: ENOENT/);
    writeFileSync(join(dir, 't.csv'), 'timeNs,device,pasid,address,access\n1000,gpu0,1,0x1000,r\n2000,gpu0,1,0x2000,rw\n');
    const bad = await cli(['run', scenario, '--runtime', 'sim']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/t\.csv:3: access: expected r or w, got "rw"/);
    expect(bad.err).not.toMatch(noStack);
    writeFileSync(join(dir, 't.csv'), 'timeNs,device,pasid,address,access\n1000,gpu0,1,0x1000,r\n2000,gpu0,1,0x2000,w\n');
    const ok = await cli(['run', scenario, '--runtime', 'sim', '--json', '-'], dir);
    expect(ok.code, ok.err).toBe(0);
    expect((JSON.parse(ok.out) as { dma: { started: number } }).dma.started).toBe(2);
  });
});

describe('open-loop arrivals on real worker threads', () => {
  it('a short Poisson storm of prq-knee runs the same actor code and answers every group exactly once', async () => {
    const { scenario } = loadScenario('prq-knee');
    const r = await runNested(scenario, { runtime: 'threads', seed: 3, workers: 2 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    const arrivals = (r.tiers.device as { arrivals: { generated: number } }).arrivals.generated;
    // 8 spaces × 40 000/s × 1 ms of scenario time (timeScale 1000): ~320 arrivals.
    expect(arrivals).toBeGreaterThan(200);
    expect(arrivals).toBeLessThan(450);
    expect(r.faults.raised).toBeGreaterThan(0);
    expect(liveWorkerCount()).toBe(0);
  }, 60_000);
});
