// A small JSON Schema (draft-07) validator for exactly the keywords src/scenario/json-schema.ts
// emits; any other keyword is an error, so a new combinator cannot slip past the tests unchecked.
// `$ref` resolves only to the root's `definitions` (the one timing form the sim section shares).

type Schema = Record<string, unknown>;

const annotations = new Set(['$schema', 'title', 'description', 'default', 'definitions']);
const known = new Set([
  ...annotations,
  'type',
  'minimum',
  'maximum',
  'pattern',
  'enum',
  'const',
  'anyOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  '$ref',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The errors of `value` against `schema` (empty when valid), each with its JSON pointer. */
export function jsonSchemaErrors(schema: Schema, value: unknown, at = '', root: Schema = schema): string[] {
  for (const k of Object.keys(schema)) if (!known.has(k)) throw new Error(`${at}: keyword '${k}' is not supported by the test validator`);
  if (schema.$ref !== undefined) {
    const name = /^#\/definitions\/([^/]+)$/.exec(schema.$ref as string)?.[1];
    const target = name === undefined ? undefined : (root.definitions as Record<string, Schema> | undefined)?.[name];
    if (target === undefined) throw new Error(`${at}: $ref '${String(schema.$ref)}' is not a #/definitions/ entry of the schema`);
    return jsonSchemaErrors(target, value, at, root);
  }
  const errors: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${at}: type ${t}, expected ${types.join('|')}`];
  }
  if (schema.const !== undefined && value !== schema.const) errors.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: not in enum`);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) errors.push(`${at}: NaN`);
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items !== undefined) value.forEach((x, i) => errors.push(...jsonSchemaErrors(schema.items as Schema, x, `${at}/${i}`, root)));
  }
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!Object.hasOwn(o, r)) errors.push(`${at}/${r}: required`);
    for (const [k, v] of Object.entries(o)) {
      if (Object.hasOwn(props, k)) errors.push(...jsonSchemaErrors(props[k]!, v, `${at}/${k}`, root));
      else if (schema.additionalProperties === false) errors.push(`${at}/${k}: not allowed`);
    }
  }
  if (schema.anyOf !== undefined) {
    const branches = (schema.anyOf as Schema[]).map((s) => jsonSchemaErrors(s, value, at, root));
    if (!branches.some((e) => e.length === 0)) errors.push(`${at}: matches no branch of anyOf (${branches.map((e) => e[0]).join('; ')})`);
  }
  return errors;
}
