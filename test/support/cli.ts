// The built command line as the end-to-end tests run it: a child process of `bin/faultline.mjs`
// with the test's environment (colour variables left out unless a test sets them), and the
// shape every refusal must have: exit 2, one line on stderr naming what was wrong, no stack
// trace, nothing on stdout.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(repoRoot, 'bin/faultline.mjs');

export function cli(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NO_COLOR' && k !== 'FORCE_COLOR'));
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...base, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Exit 2 with one line naming what was wrong, and no stack trace. */
export function refused(args: string[], message: RegExp): void {
  const r = cli(args);
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.out).toBe('');
}
