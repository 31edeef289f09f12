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

  it('rejects the banned globals reached through the global object', () => {
    expect(rules('const t = globalThis.Date.now();')).toEqual(['globalThis.Date']);
    expect(rules('const t = globalThis.performance.now();')).toEqual(['globalThis.performance']);
    expect(rules("const t = globalThis['Date'].now();")).toEqual(['globalThis.Date']);
    expect(rules('const t = globalThis[`setTimeout`](f, 1);')).toEqual(['globalThis.setTimeout']);
    expect(rules('const t = global.Date.now();')).toEqual(['global.Date']);
    expect(rules('const r = globalThis.Math.random();')).toEqual(['globalThis']);
    expect(rules('const g = globalThis; const t = g.Date.now();')).toEqual(['globalThis']);
    expect(rules("const k = 'Date'; const t = globalThis[k].now();")).toEqual(['globalThis']);
  });

  it('rejects Math.random by element access and through aliases of Math', () => {
    expect(rules("const r = Math['random']();")).toEqual(['Math.random']);
    expect(rules('const r = Math["random"]();')).toEqual(['Math.random']);
    expect(rules('const r = Math[`random`]();')).toEqual(['Math.random']);
    expect(rules('const { random } = Math; const r = random();')).toEqual(['Math.random']);
    expect(rules('const { random: rnd } = Math; const r = rnd();')).toEqual(['Math.random']);
    expect(rules('const m = Math; const r = m.random();')).toEqual(['Math as a value']);
    expect(rules("const k = 'random'; const r = Math[k]();")).toEqual(['Math as a value']);
    expect(rules('const r = pick(Math);')).toEqual(['Math as a value']);
    expect(rules('const o = { Math }; const r = o.Math.random();')).toEqual(['Math as a value']);
  });

  it('rejects aliases of the clock: naming Date or performance at all is the violation', () => {
    expect(rules('const D = Date; const t = D.now();')).toEqual(['Date']);
    expect(rules('const { now } = performance; const t = now();')).toEqual(['performance']);
  });

  it('lets Math be used directly', () => {
    expect(rules("const a = Math.floor(x) + Math.max(1, 2) + Math['min'](3, 4) + Math.PI;")).toEqual([]);
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
