// faultline's command line: finds the command, gives per-command help, runs it under signal
// handling (SIGINT, SIGTERM and SIGHUP stop a run the same way), and turns errors into one
// line and an exit status: 0 ok, 1 a check failed, 2 bad usage or an error, 128+n on signal n.

import { version } from '../api/version.ts';
import { FaultlineError } from '../util/errors.ts';
import { didYouMean } from '../util/suggest.ts';
import { commandHelp, type Command } from './command.ts';
import { exploreCommand } from './commands/explore.ts';
import { bugsCommand, scenariosCommand } from './commands/lists.ts';
import { mergeCommand } from './commands/merge.ts';
import { replayCommand } from './commands/replay.ts';
import { runCommand } from './commands/run.ts';
import { shrinkCommand } from './commands/shrink.ts';
import { sweepCommand } from './commands/sweep.ts';

const commands: readonly Command[] = [runCommand, exploreCommand, sweepCommand, mergeCommand, replayCommand, shrinkCommand, scenariosCommand, bugsCommand];

function usage(): string {
  return [
    `faultline ${version} — an emulator of the IOMMU I/O page-fault path of a virtualised machine`,
    '',
    'usage: faultline <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(11)} ${c.summary}`),
    `  ${'help'.padEnd(11)} this text, or \`faultline help <command>\` for one command's options`,
    '',
    'options: -h, --help (also after a command), -V, --version',
    '',
    'examples:',
    '  faultline run                                         the default nested fault storm on threads (about 10 s)',
    '  faultline run default-storm --runtime sim --seed 7 --duration-ms 5',
    '  faultline explore prq-clear-pro-early --seeds 20 --bug clear-pro-early --stop-at-first',
    '  faultline run --help',
  ].join('\n');
}

function findCommand(name: string): Command {
  const c = commands.find((x) => x.name === name);
  if (c) return c;
  const names = [...commands.map((x) => x.name), 'help'];
  throw new FaultlineError('FAULTLINE_CLI_ARGS', `unknown command '${name}'${didYouMean(name, names)}; commands: ${names.join(', ')}`);
}

const wantsHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

const signalNumbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** Run `fn` with SIGINT, SIGTERM and SIGHUP turned into an abort of its signal; a second signal exits at once. */
async function underSignals(fn: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  let caught: string | undefined;
  const handlers = Object.keys(signalNumbers).map((sig) => {
    const h = (): void => {
      if (caught !== undefined) process.exit(128 + signalNumbers[caught]!);
      caught = sig;
      controller.abort(new FaultlineError('FAULTLINE_INTERRUPTED', `stopped by ${sig}`));
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    const status = await fn(controller.signal);
    if (caught === undefined) return status;
    console.error(`faultline: stopped by ${caught}; what ran so far is reported above`);
    return 128 + signalNumbers[caught]!;
  } catch (err) {
    if (caught !== undefined && err instanceof FaultlineError && err.code === 'FAULTLINE_INTERRUPTED') {
      console.error(`faultline: stopped by ${caught}; every worker was stopped`);
      return 128 + signalNumbers[caught]!;
    }
    throw err;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  try {
    if (name === '--version' || name === '-V' || name === 'version') {
      console.log(version);
      return 0;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      console.log(rest[0] !== undefined ? commandHelp(findCommand(rest[0])) : usage());
      return 0;
    }
    if (name.startsWith('-')) throw new FaultlineError('FAULTLINE_CLI_ARGS', `expected a command before ${name}; see \`faultline --help\``);
    const command = findCommand(name);
    if (wantsHelp(rest)) {
      console.log(commandHelp(command));
      return 0;
    }
    return await underSignals((signal) => command.run(rest, signal));
  } catch (err) {
    if (err instanceof FaultlineError) {
      console.error(`faultline: ${err.message}`);
      if (process.env.FAULTLINE_DEBUG) console.error(err.stack);
      return err.code === 'FAULTLINE_INTERRUPTED' ? 130 : 2;
    }
    const e = err as Error;
    console.error(`faultline: internal error: ${e?.message ?? String(err)}${process.env.FAULTLINE_DEBUG ? `\n${e?.stack}` : ' (FAULTLINE_DEBUG=1 shows the stack)'}`);
    return 2;
  }
}
