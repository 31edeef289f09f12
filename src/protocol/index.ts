export * from './messages.ts';
export * from './schema.ts';
export * from './schema-codec.ts';
export type { Codec } from '../transport/codec-types.ts';
