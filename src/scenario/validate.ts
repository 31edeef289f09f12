// A small schema validator for scenario files: each check knows its path in the document,
// so an error says exactly where the file is wrong and what was expected there. Unknown
// keys are errors too (with a suggestion), because a misspelt key silently ignored is the
// worst kind of wrong scenario. Every check also carries its own JSON Schema (`schema`),
// built by the same combinators, so the shipped schema file (json-schema.ts) and the
// validator cannot drift apart.

import { fail } from '../util/errors.ts';
import { excerpt } from '../util/excerpt.ts';
import { didYouMean } from '../util/suggest.ts';

/** A JSON Schema (draft-07) fragment. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface Check<T> {
  (value: unknown, path: string): T;
  /** What the check accepts, as JSON Schema. */
  readonly schema: JsonSchema;
}

/** A check from a validating function and the JSON Schema that says the same. */
export function withSchema<T>(fn: (value: unknown, path: string) => T, schema: JsonSchema): Check<T> {
  return Object.assign((value: unknown, path: string) => fn(value, path), { schema });
}

/** The same check, documented: the description shows in editors through the JSON Schema. */
export function doc<T>(description: string, check: Check<T>): Check<T> {
  return withSchema(check, { ...check.schema, description });
}

/** A value as a message shows it: strings quoted and cut short, collections by kind. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(excerpt(v));
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** `note` follows what was got, e.g. a did-you-mean. */
export function invalid(path: string, expected: string, got: unknown, note = ''): never {
  return fail('FAULTLINE_SCENARIO_INVALID', `${path}: expected ${expected}, got ${describeValue(got)}${note}`, { path });
}

export function int(min: number, max: number): Check<number> {
  return withSchema(
    (v, path) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) invalid(path, `an integer in ${min}..${max}`, v);
      return v;
    },
    { type: 'integer', minimum: min, maximum: max },
  );
}

export function num(min: number, max: number): Check<number> {
  return withSchema(
    (v, path) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) invalid(path, `a number in ${min}..${max}`, v);
      return v;
    },
    { type: 'number', minimum: min, maximum: max },
  );
}

export const bool: Check<boolean> = withSchema(
  (v, path) => {
    if (typeof v !== 'boolean') invalid(path, 'true or false', v);
    return v;
  },
  { type: 'boolean' },
);

export function str(pattern?: RegExp, what = 'a string'): Check<string> {
  return withSchema(
    (v, path) => {
      if (typeof v !== 'string' || (pattern && !pattern.test(v))) invalid(path, what, v);
      return v;
    },
    pattern ? { type: 'string', pattern: pattern.source } : { type: 'string' },
  );
}

export function oneOf<const T extends string>(...choices: T[]): Check<T> {
  return withSchema(
    (v, path) => {
      if (typeof v !== 'string' || !(choices as string[]).includes(v)) {
        invalid(path, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, v, typeof v === 'string' ? didYouMean(v, choices) : '');
      }
      return v as T;
    },
    { type: 'string', enum: choices },
  );
}

export function list<T>(item: Check<T>, min = 0, max = Infinity): Check<T[]> {
  return withSchema(
    (v, path) => {
      if (!Array.isArray(v)) invalid(path, 'a list', v);
      if (v.length < min || v.length > max) invalid(path, `a list of ${min}..${max} items`, `${v.length} items`);
      return v.map((x, i) => item(x, `${path}[${i}]`));
    },
    { type: 'array', items: item.schema, ...(min > 0 ? { minItems: min } : {}), ...(Number.isFinite(max) ? { maxItems: max } : {}) },
  );
}

export function nullable<T>(inner: Check<T>): Check<T | null> {
  return withSchema((v, path) => (v === null ? null : inner(v, path)), { anyOf: [inner.schema, { type: 'null' }] });
}

/** Exactly `literal`, or what `inner` accepts (e.g. `'each'` or a number of workers). */
export function literalOr<const L extends string, T>(literal: L, inner: Check<T>): Check<L | T> {
  return withSchema((v, path) => (v === literal ? literal : inner(v, path)), { anyOf: [{ const: literal }, inner.schema] });
}

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/**
 * An object with exactly these keys; `defaults` supplies the optional ones. Keys are own
 * properties only, on both sides: `constructor` or `__proto__` in a file is an unknown key.
 */
export function obj<S extends Shape>(shape: S, defaults: Partial<Out<S>> = {}): Check<Out<S>> {
  const keys = Object.keys(shape);
  const hasDefault = (key: string): boolean => Object.hasOwn(defaults, key);
  const properties: Record<string, JsonSchema> = {};
  for (const key of keys) {
    const d = (defaults as Record<string, unknown>)[key];
    properties[key] = hasDefault(key) ? { ...shape[key]!.schema, default: d } : shape[key]!.schema;
  }
  const required = keys.filter((k) => !hasDefault(k));
  return withSchema(
    (v, path) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(path, 'an object', v);
      const input = v as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(shape, key)) {
          const at = `${path}.${excerpt(key)}`;
          fail('FAULTLINE_SCENARIO_INVALID', `${at}: unknown key${didYouMean(key, keys)}; allowed: ${keys.join(', ')}`, { path: at });
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const has = Object.hasOwn(input, key) && input[key] !== undefined;
        if (!has && !hasDefault(key)) fail('FAULTLINE_SCENARIO_INVALID', `${path}.${key}: required key is missing`, { path: `${path}.${key}` });
        out[key] = has ? shape[key]!(input[key], `${path}.${key}`) : structuredClone((defaults as Record<string, unknown>)[key]);
      }
      return out as Out<S>;
    },
    { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false },
  );
}
