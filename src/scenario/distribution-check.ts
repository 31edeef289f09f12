// The scenario form of a distribution (src/util/distribution.ts): a plain number is a fixed
// value, as every timing key was before distributions; otherwise an object named by `dist`.
// The number form is kept as written, so a scenario that declares no distribution resolves
// (and replays, and diffs) exactly as before.
//
//   latencyNs: 1000
//   latencyNs: { dist: uniform, min: 500, max: 1500 }
//   latencyNs: { dist: exponential, mean: 1000 }
//   latencyNs: { dist: lognormal, median: 800, sigma: 0.5 }
//   latencyNs: { dist: empirical, points: [[200, 0], [800, 0.5], [5000, 0.99], [20000, 1]] }

import { distributionKinds, type Distribution } from '../util/distribution.ts';
import { didYouMean } from '../util/suggest.ts';
import { invalid, num, type Check, type JsonSchema, withSchema } from './validate.ts';
import { fail } from '../util/errors.ts';

const forms = 'a number, or { dist: fixed|uniform|exponential|lognormal|empirical, ... } (e.g. { dist: exponential, mean: 1000 })';

const keysOf: Record<Distribution['dist'], readonly string[]> = {
  fixed: ['value'],
  uniform: ['min', 'max'],
  exponential: ['mean'],
  lognormal: ['median', 'sigma'],
  empirical: ['points'],
};

/** A distribution whose samples lie in [min, max] (an open tail only needs its parameters there). */
export function distribution(min: number, max: number): Check<number | Distribution> {
  const value = num(min, max);
  const sigma = num(0, 10);
  const schema: JsonSchema = {
    anyOf: [
      value.schema,
      { type: 'object', properties: { dist: { const: 'fixed' }, value: value.schema }, required: ['dist', 'value'], additionalProperties: false },
      { type: 'object', properties: { dist: { const: 'uniform' }, min: value.schema, max: value.schema }, required: ['dist', 'min', 'max'], additionalProperties: false },
      { type: 'object', properties: { dist: { const: 'exponential' }, mean: value.schema }, required: ['dist', 'mean'], additionalProperties: false },
      { type: 'object', properties: { dist: { const: 'lognormal' }, median: value.schema, sigma: sigma.schema }, required: ['dist', 'median', 'sigma'], additionalProperties: false },
      {
        type: 'object',
        properties: {
          dist: { const: 'empirical' },
          points: { type: 'array', minItems: 1, items: { type: 'array', minItems: 2, maxItems: 2, items: [value.schema, { type: 'number', minimum: 0, maximum: 1 }] } },
        },
        required: ['dist', 'points'],
        additionalProperties: false,
      },
    ],
  };
  return withSchema((v, path) => {
    if (typeof v === 'number') return value(v, path);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return invalid(path, forms, v);
    const o = v as Record<string, unknown>;
    const kind = o.dist;
    if (typeof kind !== 'string' || !(distributionKinds as readonly string[]).includes(kind)) {
      return invalid(`${path}.dist`, `one of ${distributionKinds.map((k) => `'${k}'`).join(', ')}`, kind, typeof kind === 'string' ? didYouMean(kind, distributionKinds) : '');
    }
    const d = kind as Distribution['dist'];
    const allowed = keysOf[d];
    for (const key of Object.keys(o)) {
      if (key !== 'dist' && !allowed.includes(key)) {
        fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: unknown key for a '${d}' distribution${didYouMean(key, allowed)}; allowed: dist, ${allowed.join(', ')}`, { path: `${path}.${key}` });
      }
    }
    for (const key of allowed) if (o[key] === undefined) fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: required key of a '${d}' distribution is missing`, { path: `${path}.${key}` });
    switch (d) {
      case 'fixed':
        return { dist: 'fixed', value: value(o.value, `${path}.value`) };
      case 'uniform': {
        const lo = value(o.min, `${path}.min`);
        const hi = value(o.max, `${path}.max`);
        if (hi < lo) invalid(`${path}.max`, `a number >= min (${lo})`, hi);
        return { dist: 'uniform', min: lo, max: hi };
      }
      case 'exponential':
        return { dist: 'exponential', mean: value(o.mean, `${path}.mean`) };
      case 'lognormal':
        return { dist: 'lognormal', median: value(o.median, `${path}.median`), sigma: sigma(o.sigma, `${path}.sigma`) };
      case 'empirical':
        return { dist: 'empirical', points: empiricalPoints(o.points, `${path}.points`, value) };
    }
  }, schema);
}

function empiricalPoints(v: unknown, path: string, value: Check<number>): [number, number][] {
  if (!Array.isArray(v) || v.length === 0) return invalid(path, 'a non-empty list of [value, cumulative probability] pairs', v);
  const pts: [number, number][] = [];
  v.forEach((pt, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(pt) || pt.length !== 2) invalid(at, 'a pair [value, cumulative probability]', pt);
    const x = value(pt[0], `${at}[0]`);
    const p = num(0, 1)(pt[1], `${at}[1]`);
    const prev = pts[i - 1];
    if (prev !== undefined && (x < prev[0] || p < prev[1])) invalid(at, `a point at or after [${prev[0]}, ${prev[1]}] in both value and probability`, `[${String(pt[0])}, ${String(pt[1])}]`);
    pts.push([x, p]);
  });
  if (pts[pts.length - 1]![1] !== 1) invalid(`${path}[${pts.length - 1}][1]`, 'a last cumulative probability of 1', pts[pts.length - 1]![1]);
  return pts;
}
