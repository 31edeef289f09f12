// Where the command line's output goes and how it looks: the text report on stdout (stderr
// when --json - takes stdout), JSON to a file or stdout, colour on verdict lines only on a
// terminal (never with NO_COLOR, never when piped), and output paths checked before a run.

import { writeFileSync } from 'node:fs';
import { fail } from '../util/errors.ts';
import { checkWritablePath } from '../util/writable-path.ts';

/** Colour for a stream: a terminal, NO_COLOR unset or empty, TERM not dumb; FORCE_COLOR forces it. */
export function colourFor(stream: NodeJS.WriteStream): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

/** Progress lines rewritten in place on stderr: only on a terminal, never under CI. */
export function liveProgress(): boolean {
  return process.stderr.isTTY === true && (process.env.CI === undefined || process.env.CI === '' || process.env.CI === 'false');
}

const paint = (code: number, s: string): string => `\u001b[${code}m${s}\u001b[0m`;

/** Verdict lines in green (OK, clean), red (FAIL, ERROR, reproduced) or left as they are. */
export function paintVerdicts(text: string, colour: boolean): string {
  if (!colour) return text;
  return text
    .split('\n')
    .map((line) => {
      if (/^(verdict: OK|clean:)/.test(line)) return paint(32, line);
      if (/^(verdict: (FAIL|ERROR)|reproduced:)/.test(line) || /^\s+FAIL /.test(line)) return paint(31, line);
      return line;
    })
    .join('\n');
}

export interface Out {
  /** The text report, a line or more at a time. */
  text(s: string): void;
  /** The JSON output (--json), when asked for. */
  json(data: unknown): void;
}

/** Output for a command: JSON to `jsonPath` ('-' is stdout, and then the text goes to stderr). */
export function outputFor(jsonPath: string | undefined): Out {
  const textStream = jsonPath === '-' ? process.stderr : process.stdout;
  const colour = colourFor(textStream);
  return {
    text: (s) => textStream.write(`${paintVerdicts(s, colour)}\n`),
    json: (data) => {
      if (jsonPath === undefined) return;
      const body = `${JSON.stringify(data, (k, v: unknown) => (k === 'counts' || k === 'traceWindow' ? undefined : v), 2)}\n`;
      if (jsonPath === '-') process.stdout.write(body);
      else writeOutputFile('--json', jsonPath, body);
    },
  };
}

/** Refuse, before a run, an output file that cannot be written ('-' is stdout where allowed). */
export function checkOutputPath(option: string, path: string, allowStdout = false): void {
  if (path === '-' && allowStdout) return;
  checkWritablePath(option, path, 'file');
}

/** Write a file the user asked for; an I/O error becomes FAULTLINE_IO (exit 2), never a stack trace. */
export function writeOutputFile(option: string, path: string, body: string): void {
  try {
    writeFileSync(path, body);
  } catch (err) {
    fail('FAULTLINE_IO', `${option} ${path}: could not write: ${(err as Error).message}`);
  }
}
