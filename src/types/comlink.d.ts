// comlink 4.4.2 ships no exports map, so Node must import its ESM build by file path;
// these declarations give those paths the package's own types.
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  /** Adapts a worker_threads MessagePort or Worker to Comlink's Endpoint. */
  export default function nodeEndpoint(nep: unknown): Endpoint;
}
