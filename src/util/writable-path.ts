// Whether an output the user named can be written, checked before a run: a file (--json,
// --record) must not be a directory and must sit in an existing, writable folder; a folder
// (--out) must not be a file and must exist writable, or be creatable in a writable parent.
// A refusal names the option and the path (FAULTLINE_CLI_OPTION, exit 2 on the command line).

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fail } from './errors.ts';

const statOf = (p: string): ReturnType<typeof statSync> | undefined => {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
};

export function checkWritablePath(option: string, path: string, kind: 'file' | 'folder'): void {
  if (typeof path !== 'string' || path === '') fail('FAULTLINE_CLI_OPTION', `${option} needs a ${kind} path`);
  const full = resolve(path);
  const st = statOf(full);
  if (kind === 'file' && st?.isDirectory()) fail('FAULTLINE_CLI_OPTION', `${option} ${path}: is a directory; give a file path`);
  if (kind === 'folder' && st !== undefined && !st.isDirectory()) fail('FAULTLINE_CLI_OPTION', `${option} ${path}: is a file; give a folder (it is created when missing)`);
  const folder = kind === 'folder' && st !== undefined ? full : dirname(full);
  const fst = statOf(folder);
  if (fst === undefined) fail('FAULTLINE_CLI_OPTION', `${option} ${path}: the folder ${folder} does not exist; create it first or choose another path`);
  if (!fst.isDirectory()) fail('FAULTLINE_CLI_OPTION', `${option} ${path}: ${folder} is not a folder`);
  const existingFile = kind === 'file' && st !== undefined;
  try {
    accessSync(existingFile ? full : folder, constants.W_OK);
  } catch {
    fail('FAULTLINE_CLI_OPTION', `${option} ${path}: ${existingFile ? 'the file' : `the folder ${folder}`} is not writable`);
  }
}
