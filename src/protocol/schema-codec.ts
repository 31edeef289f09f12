// A Codec built from a schema table: word 0 holds the tag, then one word per field (two,
// low then high, for u64 values up to 2^53). Encoding checks each value's range, so a bad
// value is a clear error at its source rather than a silently truncated field downstream.
// Each type's encode/decode is generated code (compilePlan), so the checks cost a few
// integer operations per field and decoded messages of one type share one shape.

import { fail } from '../util/errors.ts';
import type { Codec } from '../transport/codec-types.ts';
import { fieldWords, specWords, type FieldKind, type MessagesOf, type SpecTable } from './schema.ts';

interface FieldPlan {
  name: string;
  kind: FieldKind;
  word: number;
}

interface TypePlan {
  type: string;
  tag: number;
  fields: FieldPlan[];
}

const TWO_POW_32 = 4294967296;

function fieldMax(kind: FieldKind): number {
  switch (kind) {
    case 'u8':
      return 0xff;
    case 'u16':
      return 0xffff;
    case 'u32':
      return 0xffffffff;
    case 'i32':
      return 0x7fffffff;
    case 'u64':
      return Number.MAX_SAFE_INTEGER;
    case 'bool':
      return 1;
  }
}

function planTypes(specs: SpecTable): { byType: Map<string, TypePlan>; byTag: Map<number, TypePlan>; slotWords: number } {
  const byType = new Map<string, TypePlan>();
  const byTag = new Map<number, TypePlan>();
  let slotWords = 1;
  for (const [type, spec] of Object.entries(specs)) {
    if (!Number.isInteger(spec.tag) || spec.tag <= 0 || spec.tag > 0xffff) {
      fail('FAULTLINE_SCHEMA_TAG', `message '${type}' has tag ${spec.tag}; tags are integers in 1..65535`);
    }
    const clash = byTag.get(spec.tag);
    if (clash) fail('FAULTLINE_SCHEMA_TAG', `messages '${clash.type}' and '${type}' share tag ${spec.tag}; give each its own`);
    let word = 1;
    const fields: FieldPlan[] = [];
    for (const [name, kind] of Object.entries(spec.fields)) {
      if (name === 'type') fail('FAULTLINE_SCHEMA_FIELD', `message '${type}' declares a field named 'type', which is reserved`);
      fields.push({ name, kind, word });
      word += fieldWords(kind);
    }
    const plan: TypePlan = { type, tag: spec.tag, fields };
    byType.set(type, plan);
    byTag.set(spec.tag, plan);
    slotWords = Math.max(slotWords, specWords(spec));
  }
  return { byType, byTag, slotWords };
}

function encodeField(plan: TypePlan, f: FieldPlan, value: unknown, words: Int32Array, at: number): void {
  if (f.kind === 'bool') {
    if (typeof value !== 'boolean') fail('FAULTLINE_CODEC_VALUE', `${plan.type}.${f.name} must be a boolean, got ${String(value)}`);
    words[at] = value ? 1 : 0;
    return;
  }
  const v = value as number;
  const min = f.kind === 'i32' ? -0x80000000 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > fieldMax(f.kind)) {
    fail('FAULTLINE_CODEC_VALUE', `${plan.type}.${f.name} must be an integer in ${min}..${fieldMax(f.kind)} (${f.kind}), got ${String(value)}`);
  }
  if (f.kind === 'u64') {
    words[at] = (v % TWO_POW_32) | 0;
    words[at + 1] = Math.floor(v / TWO_POW_32) | 0;
  } else {
    words[at] = v | 0;
  }
}

export interface SchemaCodec<M> extends Codec<M> {
  /** Encode without range checks, for hashing messages that were already checked or never leave the thread. */
  encodeUnchecked(msg: M, words: Int32Array, offset: number): void;
  /**
   * encodeUnchecked of one type, resolved once: for a caller that already knows the type (the
   * checker's chains, per route slot), so an encode looks up nothing. Same words as encodeUnchecked.
   */
  uncheckedEncoderOf(type: string): (msg: M, words: Int32Array, offset: number) => void;
  /** Tag of a message type, for trace hashing and diagnostics. */
  tagOf(type: string): number;
  typeOfTag(tag: number): string | undefined;
  has(type: string): boolean;
}

type Encoder = (msg: unknown, words: Int32Array, offset: number) => void;
type Decoder = (words: Int32Array, offset: number) => unknown;

interface Compiled {
  encode: Encoder;
  encodeUnchecked: Encoder;
  decode: Decoder;
}

/** The cheap form of encodeField's check for one value `v`; true when it is in range. */
function checkExpr(kind: FieldKind): string {
  switch (kind) {
    case 'bool':
      return `typeof v === 'boolean'`;
    case 'u8':
      return `typeof v === 'number' && (v & 0xff) === v`;
    case 'u16':
      return `typeof v === 'number' && (v & 0xffff) === v`;
    case 'u32':
      return `typeof v === 'number' && (v >>> 0) === v`;
    case 'i32':
      return `typeof v === 'number' && (v | 0) === v`;
    case 'u64':
      return `typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= ${Number.MAX_SAFE_INTEGER}`;
  }
}

/** Where profiles and stack traces place a type's generated code: beside this file, under src/protocol/. */
function generatedUrl(type: string): string {
  return new URL(`./schema-codec.generated/${encodeURIComponent(type)}.js`, import.meta.url).href;
}

/**
 * A type's encoders and decoder, generated from its plan (once, on the type's first use):
 * straight-line code with the field offsets as constants, and a decoder that returns one object
 * literal per type (a stable shape, properties in schema order as before). Same words in and
 * out as the per-field loops they replace; a value that fails the cheap check goes to
 * encodeField, which throws the same error as before.
 */

function compilePlan(plan: TypePlan): Compiled {
  const enc: string[] = [`w[o] = ${plan.tag};`];
  const unc: string[] = [`w[o] = ${plan.tag};`];
  const dec: string[] = [`type: ${JSON.stringify(plan.type)}`];
  plan.fields.forEach((f, i) => {
    const key = JSON.stringify(f.name);
    const at = `o + ${f.word}`;
    enc.push(`v = m[${key}];`, `if (!(${checkExpr(f.kind)})) bad(${i}, v, w, o);`);
    unc.push(`v = m[${key}];`);
    if (f.kind === 'u64') {
      // The low word as `v | 0`: ToInt32 is already modulo 2^32, so it is the word `v % 2^32 | 0`
      // gave for every value (a double's `%` is a call to fmod; this is one truncation).
      const lo = `w[${at}] = v | 0; w[o + ${f.word + 1}] = Math.floor(v / ${TWO_POW_32}) | 0;`;
      enc.push(lo);
      unc.push(lo);
      dec.push(`${key}: (w[o + ${f.word + 1}] >>> 0) * ${TWO_POW_32} + (w[${at}] >>> 0)`);
    } else {
      enc.push(f.kind === 'bool' ? `w[${at}] = v ? 1 : 0;` : `w[${at}] = v | 0;`);
      unc.push(`w[${at}] = v | 0;`);
      dec.push(`${key}: ${f.kind === 'bool' ? `w[${at}] !== 0` : f.kind === 'i32' ? `w[${at}]` : `w[${at}] >>> 0`}`);
    }
  });
  // Throws the field's error (and, were the checks ever to disagree, writes the value as before).
  const bad = (i: number, value: unknown, words: Int32Array, offset: number): void => {
    const f = plan.fields[i]!;
    encodeField(plan, f, value, words, offset + f.word);
  };
  const make = new Function(
    'bad',
    `'use strict'; return [
    function encode(m, w, o) { let v; ${enc.join(' ')} },
    function encodeUnchecked(m, w, o) { let v; ${unc.join(' ')} },
    function decode(w, o) { return { ${dec.join(', ')} }; },
  ];
//# sourceURL=${generatedUrl(plan.type)}`,
  ) as (b: typeof bad) => [Encoder, Encoder, Decoder];
  const [encode, encodeUnchecked, decode] = make(bad);
  return { encode, encodeUnchecked, decode };
}

export function createSchemaCodec<Specs extends SpecTable>(specs: Specs): SchemaCodec<MessagesOf<Specs>> {
  const { byType, byTag, slotWords } = planTypes(specs);
  // Each type's code is generated on its first use, so a worker pays only for the types it sees.
  const compiled = new Map<string, Compiled>();
  let maxTag = 0;
  for (const plan of byType.values()) maxTag = Math.max(maxTag, plan.tag);
  const decoders = new Array<Decoder | undefined>(maxTag + 1).fill(undefined);
  const compile = (plan: TypePlan): Compiled => {
    const c = compilePlan(plan);
    compiled.set(plan.type, c);
    decoders[plan.tag] = c.decode;
    return c;
  };
  const forType = (type: string): Compiled => {
    const c = compiled.get(type);
    if (c !== undefined) return c;
    const plan = byType.get(type);
    if (!plan) fail('FAULTLINE_CODEC_TYPE', `no schema for message type '${type}'`);
    return compile(plan);
  };
  return {
    slotWords,
    encode(msg, words, offset) {
      forType(msg.type).encode(msg, words, offset);
    },
    encodeUnchecked(msg, words, offset) {
      forType(msg.type).encodeUnchecked(msg, words, offset);
    },
    uncheckedEncoderOf: (type) => forType(type).encodeUnchecked,
    decode(words, offset) {
      const tag = words[offset]! & 0xffff;
      const d = tag < decoders.length ? decoders[tag] : undefined;
      if (d !== undefined) return d(words, offset) as MessagesOf<Specs>;
      const plan = byTag.get(tag);
      if (!plan) fail('FAULTLINE_CODEC_TAG', `slot holds unknown tag ${tag}; the ring and codec disagree`);
      return compile(plan).decode(words, offset) as MessagesOf<Specs>;
    },
    tagOf(type) {
      const plan = byType.get(type);
      if (!plan) fail('FAULTLINE_CODEC_TYPE', `no schema for message type '${type}'`);
      return plan.tag;
    },
    typeOfTag: (tag) => byTag.get(tag)?.type,
    has: (type) => byType.has(type),
  };
}
