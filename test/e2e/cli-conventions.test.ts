// The command line follows the conventions people expect: per-command help, --version,
// "did you mean", options the runtime would ignore refused with the reason, output paths and
// overrides checked before the run (exit 2, one line, no stack trace), --json - on stdout,
// colour only on request or a terminal, and signals that stop a run with what it did so far.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, cli, refused, repoRoot as root } from '../support/cli.ts';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** Start the command, send `signal` after `afterMs`, and collect its exit status and output. */
async function interrupted(args: string[], signal: NodeJS.Signals, afterMs: number): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  // Listened for from the start: a child that ends before the signal fails the test, not hangs it.
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  await new Promise((r) => setTimeout(r, afterMs));
  child.kill(signal);
  const code = await exited;
  return { code, out, err };
}

describe('faultline command-line conventions', () => {
  it("prints --version and per-command help (with that command's options and an example)", () => {
    expect(cli(['--version']).out.trim()).toBe(pkg.version);
    expect(cli(['-V']).out.trim()).toBe(pkg.version);
    for (const [command, option] of [
      ['run', '--record-schedule'],
      ['explore', '--stop-at-first'],
      ['replay', '--schedule'],
    ] as const) {
      for (const flag of ['--help', '-h']) {
        const r = cli([command, flag]);
        expect(r.code).toBe(0);
        expect(r.out).toMatch(new RegExp(`^usage: faultline ${command}`));
        expect(r.out).toContain(option);
        expect(r.out).toMatch(/examples:\n {2}faultline /);
      }
    }
    expect(cli(['help', 'explore']).out).toMatch(/^usage: faultline explore/);
    expect(cli(['--help']).out).toMatch(/commands:/);
  });

  it('suggests the nearest command, option, runtime and scenario key', () => {
    refused(['rn'], /unknown command 'rn' \(did you mean 'run'\?\)/);
    refused(['run', '--sed', '3'], /unknown option --sed \(did you mean '--seed'\?\)/);
    refused(['run', '--runtime', 'simm'], /--runtime must be one of threads, sim; got 'simm' \(did you mean 'sim'\?\)/);
    refused(['run', 'vprq-overflow', '--runtime', 'sim', '--set', 'iommu.prqEntrie=64'], /--set iommu\.prqEntrie=64: scenario\.iommu\.prqEntrie: unknown key \(did you mean 'prqEntries'\?\)/);
  });

  it('refuses, before the run, options the chosen runtime would ignore, saying why', () => {
    refused(['run', '--runtime', 'sim', '--workers', '2'], /--workers applies to the threaded runtime only/);
    refused(['run', '--runtime', 'sim', '--stall-ms', '100'], /--stall-ms applies to the threaded runtime only/);
    refused(['run', '--runtime', 'sim', '--time-scale', '10'], /--time-scale applies to the threaded runtime only/);
    refused(['run', '--record-schedule'], /--record-schedule applies to the simulator only/);
    refused(['run', 'vprq-overflow', '--window', '4'], /--window applies to the chain only/);
  });

  it('puts every override through the scenario schema, on run, explore and replay alike', () => {
    refused(['run', 'vprq-overflow', '--runtime', 'sim', '--duration-ms', '0'], /--duration-ms 0: scenario\.durationMs: expected an integer in 1\.\./);
    refused(['run', 'vprq-overflow', '--runtime', 'sim', '--duration-ms', '-5'], /--duration-ms -5: scenario\.durationMs/);
    refused(['explore', 'vprq-overflow', '--duration-ms', '0'], /--duration-ms 0: scenario\.durationMs/);
    refused(['replay', 'vprq-overflow', '--seed', '1', '--set', 'vmm.vprqEntries=true'], /--set vmm\.vprqEntries=true: scenario\.vmm\.vprqEntries: expected/);
    refused(['run', 'vprq-overflow', '--runtime', 'sim', '--seed', '4294967296'], /--seed must be a whole number from 0 to 4294967295/);
    refused(['explore', 'vprq-overflow', '--from', '-1', '--to', '3'], /--from must be a whole number from 0 to 4294967295/);
    refused(['run', 'vprq-overflow', '--runtime', 'sim', '--set', 'nonsense'], /--set nonsense: no '='; the form is --set path=value/);
  });

  it('checks output paths before the run: a missing folder, a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
    const t0 = Date.now();
    refused(['run', '--json', '/no/such/dir/x.json'], /--json \/no\/such\/dir\/x\.json: the folder \/no\/such\/dir does not exist/);
    refused(['run', '--record', dir], /--record .*: is a directory/);
    refused(['explore', 'vprq-overflow', '--json', join(dir, 'missing', 'x.json')], /does not exist/);
    // Refused at once: the default storm on threads would have taken seconds.
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('--out DIR writes summary.json, metrics.csv, trace.json and report.html; a bad folder is refused before the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-out-'));
    const out = join(dir, 'run');
    const r = cli(['run', 'prgi-reuse', '--runtime', 'sim', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`outputs: ${out}/`);
    expect(r.out).toMatch(/ok {3}Little's law \(L = λ·W\) on every queue/);
    for (const f of ['summary.json', 'metrics.csv', 'trace.json', 'report.html']) expect(readFileSync(join(out, f), 'utf8').length, f).toBeGreaterThan(100);
    refused(['run', 'prgi-reuse', '--runtime', 'sim', '--out', join(dir, 'missing', 'deeper')], /--out .*: the folder .*missing does not exist/);
    refused(['run', 'prgi-reuse', '--runtime', 'sim', '--out', join(out, 'summary.json')], /--out .*: is a file/);
    refused(['run', 'chain', '--out', out], /run chain: --out does not apply to the example chain/);
  }, 60_000);

  it('--json - writes the report to stdout and the text to stderr', () => {
    const r = cli(['run', 'vprq-overflow', '--runtime', 'sim', '--json', '-']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { scenario: string; ok: boolean };
    expect(report).toMatchObject({ scenario: 'vprq-overflow', ok: true });
    expect(r.err).toMatch(/verdict: OK/);
  });

  it('colours verdict lines only when asked (FORCE_COLOR) or on a terminal, never with NO_COLOR or piped', () => {
    const args = ['run', 'vprq-overflow', '--runtime', 'sim'];
    expect(cli(args).out).not.toContain('\u001b[');
    expect(cli(args, { FORCE_COLOR: '1' }).out).toContain('\u001b[32mverdict: OK');
    expect(cli(args, { NO_COLOR: '1' }).out).not.toContain('\u001b[');
  });

  it('counts every violation in the verdict, kept in the report or not', () => {
    const r = cli(['run', 'vprq-overflow', '--runtime', 'sim', '--bug', 'vprq-drop-leaks-cookie', '--json', '-']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { checker: { violations: unknown[]; violationsDropped: number } };
    const total = report.checker.violations.length + report.checker.violationsDropped;
    expect(report.checker.violationsDropped).toBeGreaterThan(0);
    expect(r.err).toContain(`verdict: FAIL — ${total} violation(s)`);
    const rep = cli(['replay', 'vprq-overflow', '--seed', '1', '--bug', 'vprq-drop-leaks-cookie']);
    expect(rep.code).toBe(1);
    expect(rep.out).toContain(`reproduced: ${total} violation(s) (${report.checker.violations.length} shown)`);
  });

  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} stops a threaded run: every worker stopped, one line, exit ${status}`, async () => {
      const { code, err } = await interrupted(['run', 'default-storm', '--duration-ms', '30000'], signal, 3000);
      expect(code, err).toBe(status);
      expect(err).toContain(`stopped by ${signal}`);
      expect(err).not.toMatch(/\n\s+at /);
    }, 60_000);
  }

  it('SIGINT stops a simulator run and reports what ran so far, exit 130', async () => {
    // Long enough that it cannot end before the signal (the simulator runs ~100 k faults a CPU second).
    const { code, out, err } = await interrupted(['run', 'default-storm', '--runtime', 'sim', '--duration-ms', '20000'], 'SIGINT', 4000);
    expect(code, err).toBe(130);
    expect(out).toMatch(/deterministic runtime · seed 1 · [\d.]+ (?:ns|µs|ms|s) virtual · interrupted/);
    expect(out).toMatch(/verdict: INTERRUPTED — stopped after [\d.]+ (?:ns|µs|ms|s) virtual/);
    expect(err).toContain('stopped by SIGINT');
  }, 60_000);

  it('SIGINT stops an exploration and reports the seeds that ran', async () => {
    const { code, out, err } = await interrupted(['explore', 'prq-clear-pro-early', '--seeds', '2000'], 'SIGINT', 5000);
    expect(code, err).toBe(130);
    expect(out).toMatch(/verdict: INTERRUPTED — \d+ of 2000 seeds ran/);
    expect(err).toContain('stopped by SIGINT');
  }, 60_000);
});
