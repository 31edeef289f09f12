// The scenario forms of the workload's arrival process and address pattern (schema.ts
// `workload.arrival`, `workload.pattern`, `workload.pagesPerGroup`), each checked with its path
// and a did-you-mean, with the JSON Schema that says the same; and their resolution into the
// device tier's PatternConfig (src/config/workload.ts). The arrival's trace file is read and
// checked against the scenario by trace-file.ts.
//
//   arrival: { process: closed }                                   # default: today's closed loop
//   arrival: { process: poisson, ratePerSec: 2e6, per: space }     # per: space (default) | function
//   arrival: { process: constant, ratePerSec: 2e6 }
//   arrival: { process: onoff, ratePerSec: 5e6, onMeanNs: 20000, offMeanNs: 80000 }
//   arrival: { process: trace, file: faults.csv }                  # relative to the scenario file
//   pattern: uniform            # or sequential, random (= uniform), strided, hotset, zipf
//   pattern: { kind: zipf, skew: 1.2 }

import type { ArrivalScope, PatternConfig } from '../config/workload.ts';
import type { Distribution } from '../util/distribution.ts';
import { didYouMean } from '../util/suggest.ts';
import { fail } from '../util/errors.ts';
import { distribution } from './distribution-check.ts';
import { int, invalid, num, type Check, type JsonSchema, withSchema } from './validate.ts';

export const arrivalProcesses = ['closed', 'poisson', 'constant', 'onoff', 'trace'] as const;
export type ArrivalProcess = (typeof arrivalProcesses)[number];

/** The arrival as a scenario declares it (the trace by its file, resolved to an absolute path by the loader). */
export type ArrivalSpec =
  | { process: 'closed' }
  | { process: 'poisson' | 'constant'; ratePerSec: number; per: ArrivalScope }
  | { process: 'onoff'; ratePerSec: number; onMeanNs: number; offMeanNs: number; per: ArrivalScope }
  | { process: 'trace'; file: string };

const rate = num(1e-3, 1e12);
const meanNs = num(1, 1e12);
const perSchema: JsonSchema = { type: 'string', enum: ['space', 'function'], default: 'space' };

/** Keys each process takes besides `process` (`per` is optional, default 'space'). */
const keysOf: Record<ArrivalProcess, readonly string[]> = {
  closed: [],
  poisson: ['ratePerSec', 'per'],
  constant: ['ratePerSec', 'per'],
  onoff: ['ratePerSec', 'onMeanNs', 'offMeanNs', 'per'],
  trace: ['file'],
};

function variant(process: ArrivalProcess, props: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return { type: 'object', properties: { process: { const: process }, ...props }, required: ['process', ...required], additionalProperties: false };
}

export const arrivalCheck: Check<ArrivalSpec> = withSchema(
  (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return invalid(path, `an object { process: ${arrivalProcesses.join('|')}, ... } (e.g. { process: poisson, ratePerSec: 1000000 })`, v);
    const o = v as Record<string, unknown>;
    const p = o.process;
    if (typeof p !== 'string' || !(arrivalProcesses as readonly string[]).includes(p)) {
      return invalid(`${path}.process`, `one of ${arrivalProcesses.map((k) => `'${k}'`).join(', ')}`, p, typeof p === 'string' ? didYouMean(p, arrivalProcesses) : '');
    }
    const process = p as ArrivalProcess;
    const allowed = keysOf[process];
    for (const key of Object.keys(o)) {
      if (key !== 'process' && !allowed.includes(key)) {
        const others = arrivalProcesses.filter((q) => keysOf[q].includes(key));
        const hint = others.length > 0 ? ` (${key} belongs to process ${others.join(', ')})` : didYouMean(key, allowed);
        fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: unknown key for process '${process}'${hint}; allowed: process${allowed.map((k) => `, ${k}`).join('')}`, { path: `${path}.${key}` });
      }
    }
    for (const key of allowed) {
      if (key !== 'per' && o[key] === undefined) fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: required for process '${process}' is missing`, { path: `${path}.${key}` });
    }
    const per = (): ArrivalScope => {
      const x = o.per === undefined ? 'space' : o.per;
      if (x !== 'space' && x !== 'function') invalid(`${path}.per`, "'space' (a stream per address space) or 'function' (one per device function, shared by its spaces)", x);
      return x;
    };
    const ratePerSec = (): number => positive(rate, o.ratePerSec, `${path}.ratePerSec`, 'arrivals per second');
    switch (process) {
      case 'closed':
        return { process };
      case 'poisson':
      case 'constant':
        return { process, ratePerSec: ratePerSec(), per: per() };
      case 'onoff':
        return {
          process,
          ratePerSec: ratePerSec(),
          onMeanNs: positive(meanNs, o.onMeanNs, `${path}.onMeanNs`, 'ns'),
          offMeanNs: positive(meanNs, o.offMeanNs, `${path}.offMeanNs`, 'ns'),
          per: per(),
        };
      case 'trace': {
        if (typeof o.file !== 'string' || o.file === '') return invalid(`${path}.file`, 'the path of a CSV file (timeNs,device,pasid,address,access), relative to the scenario file', o.file);
        return { process, file: o.file };
      }
    }
  },
  {
    anyOf: [
      variant('closed', {}, []),
      variant('poisson', { ratePerSec: rate.schema, per: perSchema }, ['ratePerSec']),
      variant('constant', { ratePerSec: rate.schema, per: perSchema }, ['ratePerSec']),
      variant('onoff', { ratePerSec: rate.schema, onMeanNs: meanNs.schema, offMeanNs: meanNs.schema, per: perSchema }, ['ratePerSec', 'onMeanNs', 'offMeanNs']),
      variant('trace', { file: { type: 'string', minLength: 1 } }, ['file']),
    ],
  },
);

/** A number the check accepts, said as "a positive number of <unit>" when it is not. */
function positive(check: Check<number>, v: unknown, path: string, unit: string): number {
  if (typeof v === 'number' && v <= 0) invalid(path, `a positive number of ${unit} (at most ${check.schema.maximum as number})`, v);
  return check(v, path);
}

export const patternKinds = ['sequential', 'uniform', 'random', 'strided', 'hotset', 'zipf'] as const;
export type PatternKind = (typeof patternKinds)[number];
export type PatternSpec = PatternKind | { kind: 'strided'; stride: number } | { kind: 'hotset'; hotFraction: number; hotProbability: number } | { kind: 'zipf'; skew: number };

/** The parameters of a pattern named by a plain string. */
export const patternDefaults = { stride: 8, hotFraction: 0.1, hotProbability: 0.9, skew: 1 } as const;

const stride = int(1, 1 << 20);
const fraction = num(0, 1);
const skew = num(1e-6, 100);
const patternParams: Record<'strided' | 'hotset' | 'zipf', Record<string, Check<number>>> = {
  strided: { stride },
  hotset: { hotFraction: fraction, hotProbability: fraction },
  zipf: { skew },
};

export const patternCheck: Check<PatternSpec> = withSchema(
  (v, path) => {
    if (typeof v === 'string') {
      if (!(patternKinds as readonly string[]).includes(v))
        invalid(path, `one of ${patternKinds.map((k) => `'${k}'`).join(', ')}, or { kind: strided|hotset|zipf, ... }`, v, didYouMean(v, patternKinds));
      return v as PatternKind;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return invalid(path, 'a pattern name or { kind: strided|hotset|zipf, ... } (e.g. { kind: zipf, skew: 1.2 })', v);
    const o = v as Record<string, unknown>;
    const kinds = Object.keys(patternParams);
    if (typeof o.kind !== 'string' || !kinds.includes(o.kind)) {
      return invalid(
        `${path}.kind`,
        `one of ${kinds.map((k) => `'${k}'`).join(', ')} (the others take no parameters: write their name)`,
        o.kind,
        typeof o.kind === 'string' ? didYouMean(o.kind, kinds) : '',
      );
    }
    const kind = o.kind as keyof typeof patternParams;
    const params = patternParams[kind];
    const out: Record<string, unknown> = { kind };
    for (const key of Object.keys(o)) {
      if (key !== 'kind' && !Object.hasOwn(params, key)) {
        fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: unknown key for pattern '${kind}'${didYouMean(key, Object.keys(params))}; allowed: kind, ${Object.keys(params).join(', ')}`, {
          path: `${path}.${key}`,
        });
      }
    }
    for (const [key, check] of Object.entries(params)) {
      const x = o[key];
      out[key] = x === undefined ? patternDefaults[key as keyof typeof patternDefaults] : key === 'skew' ? positive(check, x, `${path}.${key}`, 'skew') : check(x, `${path}.${key}`);
    }
    return out as PatternSpec;
  },
  {
    anyOf: [
      { type: 'string', enum: [...patternKinds] },
      ...Object.entries(patternParams).map(([kind, params]) => ({
        type: 'object',
        properties: { kind: { const: kind }, ...Object.fromEntries(Object.entries(params).map(([k, c]) => [k, c.schema])) },
        required: ['kind'],
        additionalProperties: false,
      })),
    ],
  },
);

/** The device tier's pattern: 'random' is 'uniform'; a name alone takes patternDefaults. */
export function resolvePattern(p: PatternSpec): PatternConfig {
  if (typeof p !== 'string') return p;
  switch (p) {
    case 'random':
    case 'uniform':
      return { kind: 'uniform' };
    case 'sequential':
      return { kind: 'sequential' };
    case 'strided':
      return { kind: 'strided', stride: patternDefaults.stride };
    case 'hotset':
      return { kind: 'hotset', hotFraction: patternDefaults.hotFraction, hotProbability: patternDefaults.hotProbability };
    case 'zipf':
      return { kind: 'zipf', skew: patternDefaults.skew };
  }
}

const groupInt = int(1, 64);
const groupDist = distribution(1, 64);

/** Pages per group: a whole number 1..64, or a distribution drawn per group (clipped to 1..64). */
export const groupPagesCheck: Check<number | Distribution> = withSchema((v, path) => (typeof v === 'number' ? groupInt(v, path) : groupDist(v, path)), {
  anyOf: [groupInt.schema, ...((groupDist.schema.anyOf as JsonSchema[]).slice(1) ?? [])],
});
