#!/usr/bin/env node
// The faultline command. It runs the built JavaScript (dist/, made by `npm run build`, which
// `npm install` runs); FAULTLINE_FROM_SOURCES=1 runs the TypeScript sources through tsx
// instead, for development without a rebuild.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
let main;
if (process.env.FAULTLINE_FROM_SOURCES === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  console.error('faultline: not built yet: run `npm run build` (npm install does it), or set FAULTLINE_FROM_SOURCES=1 to run the sources through tsx');
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
