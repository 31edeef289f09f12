// Scenario files of any content are refused with a short, placed message, on the main thread
// and on a worker thread (issue 12, "The loader"): prototype-named keys, huge files, deep
// nesting, huge values, directories, misspelt names.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenarioText, scenariosDir } from '../../src/scenario/load.ts';
import { scenarioBytesMax, scenarioDepthMax } from '../../src/scenario/parse-text.ts';

const base = 'name: x\ndevices:\n  - { rid: 1, pasids: [1] }\n';
const error = (f: () => unknown): { code: string | undefined; message: string } => {
  try {
    f();
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  return { code: undefined, message: 'no error' };
};
const parseError = (text: string, source = 's.yaml') => error(() => parseScenarioText(text, source));

const deepFlow = '['.repeat(100_000) + ']'.repeat(100_000);
const deepBlock = `${'- '.repeat(100_000)}x\n`;
const deepJson = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;

function loadOnWorker(text: string, source: string): Promise<{ loaded: boolean; code?: string; message?: string }> {
  const worker = new Worker(new URL('../../src/runtime/worker-bootstrap.mjs', import.meta.url), {
    workerData: { entry: new URL('./support/load-in-worker.ts', import.meta.url).href, text, source },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      resolve(m as { loaded: boolean });
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
}

describe('the scenario loader refuses keys named like Object prototype members, at any level', () => {
  const cases: [string, string][] = [
    [`${base}constructor: 1\n`, 'scenario.constructor'],
    [`${base}toString: x\n`, 'scenario.toString'],
    [`${base}hasOwnProperty: true\n`, 'scenario.hasOwnProperty'],
    [`${base}__proto__: { durationMs: 5 }\n`, 'scenario.__proto__'],
    [`name: x\ndevices:\n  - { rid: 1, pasids: [1], constructor: 2 }\n`, 'scenario.devices[0].constructor'],
    [`${base}workload: { __proto__: 1 }\n`, 'scenario.workload.__proto__'],
    [`${base}iommu: { valueOf: 1 }\n`, 'scenario.iommu.valueOf'],
    [`${base}events:\n  - { atMs: 1, action: flr, device: 1, toString: 1 }\n`, 'scenario.events[0].toString'],
    [`${base}threads: { isPrototypeOf: 1 }\n`, 'scenario.threads.isPrototypeOf'],
  ];
  it.each(cases.map(([text, path]) => [path, text]))('%s', (path, text) => {
    const e = parseError(text);
    expect(e.code).toBe('FAULTLINE_SCENARIO_INVALID');
    expect(e.message).toContain(`${path}: unknown key`);
    expect(e.message).toMatch(/s\.yaml:\d+:\d+: /);
  });

  it('in JSON too, where __proto__ is an own key', () => {
    const e = parseError('{"name": "x", "devices": [{"rid": 1, "pasids": [1]}], "__proto__": {"durationMs": 5}}', 's.json');
    expect(e.message).toMatch(/s\.json:1:\d+: scenario\.__proto__: unknown key/);
  });
});

describe('the scenario loader caps size and nesting', () => {
  it(`refuses a file over ${scenarioBytesMax} bytes with its size and the cap, before reading it`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-big-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `${base}description: ${'a'.repeat(50 * 1024 * 1024)}\n`);
    const e = error(() => loadScenario(file));
    expect(e.code).toBe('FAULTLINE_SCENARIO_TOO_LARGE');
    expect(e.message).toMatch(/big\.yaml: 52428\d\d\d bytes is larger than a scenario file may be \(1048576 bytes, 1 MiB\)/);
    expect(e.message.length).toBeLessThan(300);
    expect(parseError(`${base}description: ${'a'.repeat(scenarioBytesMax)}\n`).code).toBe('FAULTLINE_SCENARIO_TOO_LARGE');
  });

  it.each([
    ['a 100 000-deep flow list', deepFlow, 's.yaml'],
    ['a 100 000-deep block list', deepBlock, 's.yaml'],
    ['a 100 000-deep JSON object', deepJson, 's.json'],
  ])('refuses %s on the main thread with the place, cleanly', (_, text, source) => {
    const e = parseError(text, source);
    expect(e.code).toBe('FAULTLINE_SCENARIO_PARSE');
    expect(e.message).toMatch(new RegExp(`s\\.(yaml|json):1:\\d+: nested more than ${scenarioDepthMax} levels deep`));
  });

  it('refuses the deep YAML documents on a worker thread with the same clean error (no V8 abort)', async () => {
    for (const [text, source] of [
      [deepFlow, 's.yaml'],
      [deepBlock, 's.yaml'],
    ] as const) {
      const r = await loadOnWorker(text, source);
      expect(r.loaded).toBe(false);
      expect(r.code).toBe('FAULTLINE_SCENARIO_PARSE');
      expect(r.message).toMatch(/nested more than \d+ levels deep/);
    }
    expect((await loadOnWorker(base, 's.yaml')).loaded).toBe(true);
  }, 60_000);

  it('accepts nesting up to the cap (the error is about the schema, not the depth)', () => {
    const atCap = `${base}marks: ${'['.repeat(scenarioDepthMax - 1)}${']'.repeat(scenarioDepthMax - 1)}\n`;
    expect(parseError(atCap).message).toMatch(/scenario\.marks\[0\]: expected a mark name/);
  });
});

describe('the scenario loader echoes short excerpts only', () => {
  it('a huge value, key or device name is cut in the message', () => {
    const long = 'y'.repeat(900_000);
    const texts: [string, string][] = [
      [`name: ${long}!\ndevices: [{rid: 1, pasids: [1]}]\n`, 's.yaml'],
      [`{"name": "x", "devices": [{"rid": 1, "pasids": [1]}], "${long}": 1}`, 's.json'],
      [`${base}events:\n  - { atMs: 1, action: flr, device: ${long} }\n`, 's.yaml'],
      [`${base}workload: { pattern: ${long} }\n`, 's.yaml'],
    ];
    for (const [text, source] of texts) {
      const e = parseError(text, source);
      expect(e.code).toBe('FAULTLINE_SCENARIO_INVALID');
      expect(e.message.length).toBeLessThan(600);
      expect(e.message).toMatch(/yyyy… \((900001|900000) characters\)/);
    }
  });
});

describe('every parse error has a line and column, and none is a stack overflow', () => {
  it.each([
    ['name: [unclosed', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:1:\d+: not valid YAML/],
    ['name: x\n  bad: indent\n', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:\d+:\d+: not valid YAML/],
    ['name: x\nname: y\n', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:2:1: not valid YAML: Map keys must be unique/],
    ['a: &a [*a, *a]\nb: *b\n', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:\d+:\d+: not valid YAML/],
    ['name: x\n---\nname: y\n', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:2:1: a second document/],
    ['"unterminated', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:1:\d+: not valid YAML/],
    ['\t- tab', /^FAULTLINE_SCENARIO_PARSE: s\.yaml:1:\d+: not valid YAML/],
  ])('%j', (text, msg) => {
    expect(parseError(text).message).toMatch(msg);
  });

  it.each([
    ['{"name": ', /s\.json:1:10: not valid JSON/],
    ['{"name": "x",\n "devices" [1]}', /s\.json:2:\d+: not valid JSON/],
    ['{"name": "x",}', /s\.json:1:\d+: not valid JSON/],
    ['', /s\.json:1:\d+: not valid JSON/],
  ])('JSON %j', (text, msg) => {
    expect(parseError(text, 's.json').message).toMatch(msg);
  });

  it('billion laughs is refused by the alias budget', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const e = parseError(`${lines.join('\n')}\n`);
    expect(e.code).toBe('FAULTLINE_SCENARIO_PARSE');
    expect(e.message).toMatch(/s\.yaml:\d+:\d+: not valid YAML: .*alias/i);
  });
});

describe('scenario names', () => {
  it('a misspelt shipped name gets a did-you-mean; a directory is refused without a Node stack', () => {
    expect(error(() => loadScenario('default-strom')).message).toMatch(/no scenario file 'default-strom' and no shipped scenario of that name \(did you mean 'default-storm'\?\)/);
    const dir = error(() => loadScenario(scenariosDir));
    expect(dir.code).toBe('FAULTLINE_SCENARIO_NOT_FOUND');
    expect(dir.message).toMatch(/is a directory; give a scenario file/);
    expect(error(() => loadScenario('/dev/null')).message).toMatch(/is not a regular file/);
  });

  it('a misspelt bug name gets a did-you-mean', () => {
    expect(parseError(`${base}bugs: [clear-pro-erly]\n`).message).toMatch(/s\.yaml:4:8: scenario\.bugs\[0\]: expected one of .*, got "clear-pro-erly" \(did you mean 'clear-pro-early'\?\)/);
  });
});
