#!/usr/bin/env node
// The faultline command. Sources are TypeScript run through tsx's loader, so a clone runs
// without a build step; workers start through the same loader (src/runtime/worker-bootstrap.mjs).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
