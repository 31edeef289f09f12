import { describe, expect, it } from 'vitest';
import { checkPuritySource } from '../../src/check/purity.ts';

const rules = (src: string): string[] => checkPuritySource('x.actor.ts', src).map((v) => v.rule.split(':')[0]!);

describe('purity check', () => {
  it('flags every banned facility', () => {
    expect(rules('const t = Date.now();')).toEqual(['Date']);
    expect(rules('const r = Math.random();')).toEqual(['Math.random']);
    expect(rules('performance.now()')).toEqual(['performance']);
    expect(rules('setTimeout(() => 1, 5)')).toEqual(['setTimeout']);
    expect(rules('Atomics.load(a, 0)')).toEqual(['Atomics']);
    expect(rules('new SharedArrayBuffer(8)')).toEqual(['SharedArrayBuffer']);
    expect(rules('async function f() {}')).toEqual(['async']);
    expect(rules('const f = async () => 1;')).toEqual(['async']);
    expect(rules("import { Worker } from 'node:worker_threads';")).toEqual(["import of 'node"]);
    expect(rules('const p = new Promise((r) => r(1));')).toEqual(['Promise']);
  });

  it('is not fooled by comments, strings, property names or locals', () => {
    const src = [
      '// Date.now() in a comment',
      "const s = 'Math.random() and setTimeout';",
      'const o = { Date: 1, performance: 2 };',
      'o.Date = 3;',
      'type T = { process: number };',
      'function f(Atomics: number) { return Atomics; }',
    ].join('\n');
    expect(rules(src)).toEqual(['Atomics']);
  });

  it('passes the project actor code', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/check/purity-cli.ts'], { encoding: 'utf8' });
    expect(out).toMatch(/no violations/);
  });
});
