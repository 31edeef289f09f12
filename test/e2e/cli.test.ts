import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['bin/faultline.mjs', ...args], { encoding: 'utf8' })
    .then((r) => ({ code: 0, out: r.stdout, err: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }));

describe('faultline command line', () => {
  it('runs a scenario in the simulator, prints the verdict and writes the same report as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-'));
    const json = join(dir, 'r.json');
    const r = await cli(['run', 'default-storm', '--runtime', 'sim', '--duration-ms', '1', '--json', json]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/faultline · default-storm · deterministic runtime · seed 1/);
    expect(r.out).toMatch(/verdict: OK/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; faults: { raised: number } };
    expect(report.ok).toBe(true);
    expect(r.out).toContain(`raised`);
    expect(report.faults.raised).toBeGreaterThan(0);
  });

  it('rejects a malformed scenario file with its path, and bad options, with exit status 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\ndevices: [{rid: 1, pasids: [1], atc: 3}]\n');
    const r = await cli(['run', file, '--runtime', 'sim']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml: scenario\.devices\[0\]\.atc: unknown key/);
    expect((await cli(['run', '--runtime', 'gpu'])).err).toMatch(/--runtime must be one of threads, sim/);
    expect((await cli(['run', '--bug', 'nope'])).err).toMatch(/--bug nope: scenario\.bugs\[0\]: expected one of/);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('runs the machines through XState itself (--machines xstate) with the very same trace as the compiled executor', async () => {
    const hash = (out: string): string | undefined => /trace hash ([0-9a-f]+)/.exec(out)?.[1];
    const compiled = await cli(['run', '--runtime', 'sim', '--duration-ms', '1', '--seed', '4']);
    const reference = await cli(['run', '--runtime', 'sim', '--duration-ms', '1', '--seed', '4', '--machines', 'xstate']);
    expect(compiled.code).toBe(0);
    expect(reference.code).toBe(0);
    expect(hash(reference.out)).toBeDefined();
    expect(hash(reference.out)).toBe(hash(compiled.out));
  });

  it('lists bug toggles and scenarios', async () => {
    expect((await cli(['bugs'])).out).toMatch(/replace-wrong-hwpt\s+R11/);
    expect((await cli(['scenarios'])).out).toMatch(/default-storm/);
  });
});
