// `faultline sweep` as a user runs it (the built bin/faultline.mjs; npm test builds first): bad
// values refused with exit 2 before any run, and a small sweep writing sweep.csv, sweep.json
// and report.html, with nothing on stderr when it is not a terminal.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['bin/faultline.mjs', ...args], { encoding: 'utf8' })
    .then((r) => ({ code: 0, out: r.stdout, err: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }));

describe('faultline sweep', () => {
  it('refuses a bad value with exit 2, naming the list and the value, before anything runs', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'faultline-sweep-')), 'out');
    const r = await cli(['sweep', 'prq-overflow-mid-group', '--set', 'iommu.prqEntries=64,100', '--duration-ms', '1', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      'faultline: FAULTLINE_SCENARIO_INVALID: --set iommu.prqEntries=64,100: value 100: scenario.iommu.prqEntries: 100 is not a power of two; the PRQ needs one, e.g. 64 or 128',
    );
    expect(r.out).toBe('');
    expect(existsSync(dir)).toBe(false);
    expect((await cli(['sweep', 'prq-overflow-mid-group', '--set', 'workload.inFlight=2,4', '--seeds', '1001'])).err).toMatch(/--seeds must be a whole number from 1 to 1000/);
    expect((await cli(['sweep', 'prq-overflow-mid-group'])).code).toBe(2);
  });

  it('writes sweep.csv, sweep.json and report.html, and no progress when stderr is not a terminal', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'faultline-sweep-')), 'out');
    const r = await cli(['sweep', 'prq-overflow-mid-group', '--set', 'workload.inFlight=2,8', '--seeds', '1', '--duration-ms', '1', '--out', dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/sweep prq-overflow-mid-group \(sim, 1 seed per point; durationMs=1\): 2 points, 2 runs/);
    const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^workload\.inFlight,runs,ok_runs,errors,throughputPerSec_mean,throughputPerSec_ci95,latencyNsP50_mean,/);
    expect(csv[1]).toMatch(/^2,1,1,0,\d/);
    expect(csv[2]).toMatch(/^8,1,1,0,\d/);
    const json = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { schema: string; schemaVersion: number; faultline: string; runs: unknown[]; points: unknown[] };
    expect(json.schema).toBe('faultline.sweep');
    expect(json.schemaVersion).toBe(1);
    expect(json.faultline).toMatch(/^\d+\.\d+\.\d+/);
    expect(json.runs).toHaveLength(2);
    expect(json.points).toHaveLength(2);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('faultline sweep prq-overflow-mid-group');
  }, 60_000);
});
