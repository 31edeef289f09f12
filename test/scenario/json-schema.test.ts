// The shipped JSON Schema (schema/scenario.schema.json) is what the validator's combinators
// say, and it agrees with the validator: on every shipped scenario and on mutants of them.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema, scenarioJsonSchemaText, scenarioSchemaPath } from '../../src/scenario/json-schema.ts';
import { loadScenario, scenariosDir, shippedScenarios } from '../../src/scenario/load.ts';
import { validateScenario } from '../../src/scenario/schema.ts';
import { jsonSchemaErrors } from './support/json-schema-subset.ts';

const schema = scenarioJsonSchema();
const raw = (name: string): unknown => parse(readFileSync(join(scenariosDir, `${name}.yaml`), 'utf8'));
const validatorAccepts = (doc: unknown): boolean => {
  try {
    validateScenario(doc, 'scenario');
    return true;
  } catch {
    return false;
  }
};

/** Every place in `doc` with a scalar or collection, as a path of keys and indexes. */
function paths(doc: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(doc)) doc.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (typeof doc === 'object' && doc !== null) for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...at, k]));
  return out;
}

function withValue(doc: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

describe('the scenario JSON Schema', () => {
  it('the shipped file is what `npm run schema` generates from the checks', () => {
    expect(readFileSync(scenarioSchemaPath, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('every shipped scenario points its editor at the schema and is valid against it, as written and as resolved', () => {
    const yamls = readdirSync(scenariosDir).filter((f) => /\.ya?ml$/.test(f));
    expect(yamls.length).toBe(shippedScenarios().length);
    for (const f of yamls) expect(readFileSync(join(scenariosDir, f), 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
    for (const name of shippedScenarios()) {
      expect(jsonSchemaErrors(schema, raw(name)), name).toEqual([]);
      expect(jsonSchemaErrors(schema, loadScenario(name).scenario), name).toEqual([]);
    }
  });

  it('refuses what the validator refuses: unknown and prototype-named keys, values out of range, wrong types, missing required keys', () => {
    const base = raw('vprq-overflow') as Record<string, unknown>;
    expect(jsonSchemaErrors(schema, withValue(base, ['iommu'], { prqEntrie: 64 }))).toEqual(['/iommu/prqEntrie: not allowed']);
    expect(jsonSchemaErrors(schema, withValue(base, ['devices', 0, 'constructor'], 1))).toEqual(['/devices/0/constructor: not allowed']);
    expect(jsonSchemaErrors(schema, withValue(base, ['durationMs'], 0))).toEqual(['/durationMs: below 1']);
    expect(jsonSchemaErrors(schema, withValue(base, ['threads', 'workers'], 'all'))[0]).toMatch(/workers: matches no branch of anyOf/);
    const { name: _, ...nameless } = base;
    expect(jsonSchemaErrors(schema, nameless)).toEqual(['/name: required']);
  });

  it('agrees with the validator on every mutant of every shipped scenario (each place set to a bad or odd value)', () => {
    const values: unknown[] = [-1, 0, 2.5, 70_000, 1e13, 'x', '', 'each', true, null, [1], { x: 1 }];
    let mutants = 0;
    let refused = 0;
    for (const name of shippedScenarios()) {
      const doc = raw(name);
      for (const p of paths(doc).filter((x) => x.length > 0)) {
        for (const v of values) {
          const m = withValue(doc, p, v);
          const bySchema = jsonSchemaErrors(schema, m).length === 0;
          expect(bySchema, `${name} ${p.join('.')} = ${JSON.stringify(v)}`).toBe(validatorAccepts(m));
          mutants++;
          if (!bySchema) refused++;
        }
      }
    }
    expect(mutants).toBeGreaterThan(5000);
    expect(refused).toBeGreaterThan(mutants / 2);
    expect(refused).toBeLessThan(mutants);
  });
});
