// A small schema validator for scenario files: each check knows its path in the document,
// so an error says exactly where the file is wrong and what was expected there. Unknown
// keys are errors too (with a suggestion), because a misspelt key silently ignored is the
// worst kind of wrong scenario.

import { fail } from '../util/errors.ts';
import { didYouMean } from '../util/suggest.ts';

export type Check<T> = (value: unknown, path: string) => T;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

export function invalid(path: string, expected: string, got: unknown): never {
  return fail('FAULTLINE_SCENARIO_INVALID', `${path}: expected ${expected}, got ${describe(got)}`, { path });
}

export function int(min: number, max: number): Check<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) invalid(path, `an integer in ${min}..${max}`, v);
    return v;
  };
}

export function num(min: number, max: number): Check<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) invalid(path, `a number in ${min}..${max}`, v);
    return v;
  };
}

export const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') invalid(path, 'true or false', v);
  return v;
};

export function str(pattern?: RegExp, what = 'a string'): Check<string> {
  return (v, path) => {
    if (typeof v !== 'string' || (pattern && !pattern.test(v))) invalid(path, what, v);
    return v;
  };
}

export function oneOf<const T extends string>(...choices: T[]): Check<T> {
  return (v, path) => {
    if (typeof v !== 'string' || !(choices as string[]).includes(v)) invalid(path, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, v);
    return v as T;
  };
}

export function list<T>(item: Check<T>, min = 0, max = Infinity): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) invalid(path, 'a list', v);
    if (v.length < min || v.length > max) invalid(path, `a list of ${min}..${max} items`, `${v.length} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

export function nullable<T>(inner: Check<T>): Check<T | null> {
  return (v, path) => (v === null ? null : inner(v, path));
}

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/** An object with exactly these keys; `defaults` supplies the optional ones. */
export function obj<S extends Shape>(shape: S, defaults: Partial<Out<S>> = {}): Check<Out<S>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(path, 'an object', v);
    const input = v as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!(key in shape)) {
        fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: unknown key${didYouMean(key, Object.keys(shape))}; allowed: ${Object.keys(shape).join(', ')}`, { path: `${path}.${key}` });
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const has = key in input && input[key] !== undefined;
      if (!has && !(key in defaults)) fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: required key is missing`, { path: `${path}.${key}` });
      out[key] = has ? check(input[key], `${path}.${key}`) : structuredClone((defaults as Record<string, unknown>)[key]);
    }
    return out as Out<S>;
  };
}
