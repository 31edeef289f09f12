// Message schemas: each message type is a tag plus an ordered list of fixed-width fields.
// The TypeScript message types are derived from the schema, so the union and its binary
// layout cannot drift apart.

export type FieldKind = 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'bool';

export interface MessageSpec {
  readonly tag: number;
  readonly fields: Readonly<Record<string, FieldKind>>;
}

export type SpecTable = Readonly<Record<string, MessageSpec>>;

type FieldValue<K extends FieldKind> = K extends 'bool' ? boolean : number;

export type MessageOf<T extends string, S extends MessageSpec> = {
  readonly type: T;
} & { readonly [F in keyof S['fields']]: FieldValue<S['fields'][F]> };

export type MessagesOf<Specs extends SpecTable> = {
  [T in keyof Specs & string]: MessageOf<T, Specs[T]>;
}[keyof Specs & string];

/** Words a field kind occupies in a slot. */
export function fieldWords(kind: FieldKind): number {
  return kind === 'u64' ? 2 : 1;
}

export function specWords(spec: MessageSpec): number {
  let words = 1; // word 0 holds the tag
  for (const kind of Object.values(spec.fields)) words += fieldWords(kind);
  return words;
}
