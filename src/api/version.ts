// faultline's version, read once from its package.json (the one beside src/ or dist/).

import { readFileSync } from 'node:fs';
import { packageRoot } from '../util/package-root.ts';

export const version: string = (JSON.parse(readFileSync(`${packageRoot}/package.json`, 'utf8')) as { version: string }).version;
