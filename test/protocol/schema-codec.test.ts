import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageCodec, messageSpecs, type Message } from '../../src/protocol/messages.ts';
import { createSchemaCodec } from '../../src/protocol/schema-codec.ts';
import type { FieldKind } from '../../src/protocol/schema.ts';

function arbField(kind: FieldKind): fc.Arbitrary<number | boolean> {
  switch (kind) {
    case 'bool':
      return fc.boolean();
    case 'u8':
      return fc.integer({ min: 0, max: 0xff });
    case 'u16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'i32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'u64':
      return fc.maxSafeNat();
  }
}

const arbMessage: fc.Arbitrary<Message> = fc.oneof(
  ...Object.entries(messageSpecs).map(([type, spec]) =>
    fc.record(Object.fromEntries(Object.entries(spec.fields).map(([name, kind]) => [name, arbField(kind as FieldKind)]))).map((fields) => ({ type, ...fields }) as unknown as Message),
  ),
);

describe('schema codec', () => {
  it('round-trips every message type at any offset', () => {
    fc.assert(
      fc.property(arbMessage, fc.integer({ min: 0, max: 7 }), (msg, slot) => {
        const words = new Int32Array(messageCodec.slotWords * 8);
        messageCodec.encode(msg, words, slot * messageCodec.slotWords);
        expect(messageCodec.decode(words, slot * messageCodec.slotWords)).toEqual(msg);
      }),
      { numRuns: 2000 },
    );
  });

  it("a type's resolved unchecked encoder writes the same words as encodeUnchecked", () => {
    fc.assert(
      fc.property(arbMessage, fc.integer({ min: 0, max: 7 }), (msg, slot) => {
        const viaType = new Int32Array(messageCodec.slotWords * 8).fill(-1);
        const viaCodec = new Int32Array(messageCodec.slotWords * 8).fill(-1);
        messageCodec.uncheckedEncoderOf(msg.type)(msg, viaType, slot * messageCodec.slotWords);
        messageCodec.encodeUnchecked(msg, viaCodec, slot * messageCodec.slotWords);
        expect(viaType).toEqual(viaCodec);
        expect(messageCodec.decode(viaType, slot * messageCodec.slotWords)).toEqual(msg);
      }),
      { numRuns: 1000 },
    );
    expect(() => messageCodec.uncheckedEncoderOf('no.such')).toThrow(/no schema for message type 'no\.such'/);
  });

  it('rejects out-of-range values with the field named', () => {
    const words = new Int32Array(messageCodec.slotWords);
    expect(() => messageCodec.encode({ type: 'chain.req', id: 1, stage: 300, originNs: 0 }, words, 0)).toThrow(/chain\.req\.stage must be an integer in 0\.\.255/);
    expect(() => messageCodec.encode({ type: 'chain.req', id: -1, stage: 0, originNs: 0 }, words, 0)).toThrow(/chain\.req\.id/);
    expect(() => messageCodec.encode({ type: 'chain.req', id: 1, stage: 0, originNs: 1.5 }, words, 0)).toThrow(/originNs/);
  });

  it('rejects duplicate tags, reserved names and unknown tags', () => {
    expect(() => createSchemaCodec({ a: { tag: 1, fields: {} }, b: { tag: 1, fields: {} } })).toThrow(/share tag 1/);
    expect(() => createSchemaCodec({ a: { tag: 1, fields: { type: 'u8' } } })).toThrow(/reserved/);
    expect(() => messageCodec.decode(new Int32Array([999, 0, 0, 0, 0]), 0)).toThrow(/unknown tag 999/);
  });
});
