// What a command of the command line is: its name, one-line summary, usage, options and
// examples (which make its --help), and the function that runs it and returns the exit status.

import { optionHelp, type OptionSpecs } from './options.ts';

/** The engine, loaded when a command runs, not for --help or --version. */
export const loadApi = (): Promise<typeof import('../api/index.ts')> => import('../api/index.ts');

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** More about the command, after the usage line in its --help. */
  about?: string;
  options: OptionSpecs;
  examples: readonly string[];
  /** Runs the command; the exit status (0 ok, 1 a check failed, 2 bad usage or error). */
  run(argv: readonly string[], signal: AbortSignal): Promise<number>;
}

export const helpOption = { help: { kind: 'flag', short: 'h', help: 'show this help' } } as const satisfies OptionSpecs;

export function commandHelp(c: Command): string {
  return [`usage: ${c.usage}`, '', c.summary, ...(c.about ? ['', c.about] : []), '', 'options:', optionHelp(c.options), '', 'examples:', ...c.examples.map((e) => `  ${e}`)].join('\n');
}
