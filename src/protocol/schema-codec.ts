// A Codec built from a schema table: word 0 holds the tag, then one word per field (two,
// low then high, for u64 values up to 2^53). Encoding checks each value's range, so a bad
// value is a clear error at its source rather than a silently truncated field downstream.

import { fail } from '../util/errors.ts';
import type { Codec } from './codec-types.ts';
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
  /** The fields again as parallel arrays, for encodeUnchecked's hot loop. */
  names: string[];
  words: number[];
  u64: boolean[];
}

const TWO_POW_32 = 4294967296;

function fieldMax(kind: FieldKind): number {
  switch (kind) {
    case 'u8': return 0xff;
    case 'u16': return 0xffff;
    case 'u32': return 0xffffffff;
    case 'i32': return 0x7fffffff;
    case 'u64': return Number.MAX_SAFE_INTEGER;
    case 'bool': return 1;
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
    const plan: TypePlan = {
      type, tag: spec.tag, fields,
      names: fields.map((f) => f.name), words: fields.map((f) => f.word), u64: fields.map((f) => f.kind === 'u64'),
    };
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
    words[at] = v % TWO_POW_32 | 0;
    words[at + 1] = Math.floor(v / TWO_POW_32) | 0;
  } else {
    words[at] = v | 0;
  }
}

function decodeField(f: FieldPlan, words: Int32Array, at: number): number | boolean {
  switch (f.kind) {
    case 'bool': return words[at] !== 0;
    case 'i32': return words[at]!;
    case 'u64': return (words[at + 1]! >>> 0) * TWO_POW_32 + (words[at]! >>> 0);
    default: return words[at]! >>> 0;
  }
}

export interface SchemaCodec<M> extends Codec<M> {
  /** Encode without range checks, for hashing messages that were already checked or never leave the thread. */
  encodeUnchecked(msg: M, words: Int32Array, offset: number): void;
  /** Tag of a message type, for trace hashing and diagnostics. */
  tagOf(type: string): number;
  typeOfTag(tag: number): string | undefined;
  has(type: string): boolean;
}

export function createSchemaCodec<Specs extends SpecTable>(specs: Specs): SchemaCodec<MessagesOf<Specs>> {
  const { byType, byTag, slotWords } = planTypes(specs);
  return {
    slotWords,
    encode(msg, words, offset) {
      const plan = byType.get(msg.type);
      if (!plan) fail('FAULTLINE_CODEC_TYPE', `no schema for message type '${msg.type}'`);
      words[offset] = plan.tag;
      const fields = plan.fields;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        encodeField(plan, f, (msg as unknown as Record<string, unknown>)[f.name], words, offset + f.word);
      }
    },
    encodeUnchecked(msg, words, offset) {
      const plan = byType.get(msg.type);
      if (!plan) fail('FAULTLINE_CODEC_TYPE', `no schema for message type '${msg.type}'`);
      words[offset] = plan.tag;
      const { names, u64 } = plan;
      const at0 = plan.words;
      const rec = msg as unknown as Record<string, number | boolean>;
      for (let i = 0; i < names.length; i++) {
        const v = rec[names[i]!]!;
        const at = offset + at0[i]!;
        if (u64[i]) {
          words[at] = (v as number) % TWO_POW_32 | 0;
          words[at + 1] = Math.floor((v as number) / TWO_POW_32) | 0;
        } else {
          words[at] = (v as number) | 0;
        }
      }
    },
    decode(words, offset) {
      const tag = words[offset]! & 0xffff;
      const plan = byTag.get(tag);
      if (!plan) fail('FAULTLINE_CODEC_TAG', `slot holds unknown tag ${tag}; the ring and codec disagree`);
      const msg: Record<string, unknown> = { type: plan.type };
      const fields = plan.fields;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        msg[f.name] = decodeField(f, words, offset + f.word);
      }
      return msg as unknown as MessagesOf<Specs>;
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
