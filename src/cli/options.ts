// The command line's option parsing, on node:util parseArgs: every command declares its
// options once (kind, help, value name), and this turns argv into typed values or into an
// error that names the option, the value and what would work ("did you mean" included).

import { parseArgs } from 'node:util';
import { fail } from '../util/errors.ts';
import { didYouMean } from '../util/suggest.ts';

export type OptionKind = 'string' | 'int' | 'flag' | 'list';

export interface OptionSpec {
  kind: OptionKind;
  help: string;
  /** The value's name in help (`--seed N`). */
  value?: string;
  short?: string;
  choices?: readonly string[];
  /** Whole numbers: the smallest and largest accepted. */
  min?: number;
  max?: number;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type OptionValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedCommand {
  positionals: string[];
  values: OptionValues;
}

/** Parse one command's arguments; unknown options, missing or malformed values throw FAULTLINE_CLI_OPTION. */
export function parseCommand(command: string, argv: readonly string[], specs: OptionSpecs): ParsedCommand {
  const known = Object.keys(specs);
  const shorts = new Map(
    Object.entries(specs)
      .filter(([, s]) => s.short)
      .map(([k, s]) => [s.short!, k]),
  );
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      if (!(name in specs)) fail('FAULTLINE_CLI_OPTION', `${command}: unknown option --${name}${didYouMean(name, known).replace(/'([^']+)'/, "'--$1'")}; see \`faultline ${command} --help\``);
    } else if (/^-[^-\d]/.test(arg)) {
      const letter = arg.slice(1, 2);
      if (!shorts.has(letter)) fail('FAULTLINE_CLI_OPTION', `${command}: unknown option ${arg}; see \`faultline ${command} --help\``);
    }
  }
  const options = Object.fromEntries(
    Object.entries(specs).map(([k, s]) => [
      k,
      {
        type: s.kind === 'flag' ? ('boolean' as const) : ('string' as const),
        ...(s.kind === 'list' ? { multiple: true } : {}),
        ...(s.short ? { short: s.short } : {}),
      },
    ]),
  );
  // `--duration-ms -5` is a value, not an option: pass it as `--duration-ms=-5` so the range check speaks.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && specs[a.slice(2)]?.kind !== 'flag' && next !== undefined && /^-\d/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const msg = (err as Error).message;
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([a-z-]+)/.exec(msg)?.[1] ?? '';
      const spec = specs[name];
      return fail('FAULTLINE_CLI_OPTION', `${command}: --${name} ${spec?.kind === 'flag' ? 'takes no value' : `needs a value${spec?.value ? ` (--${name} ${spec.value})` : ''}`}`);
    }
    return fail('FAULTLINE_CLI_OPTION', `${command}: ${msg.split('\n')[0]}`);
  }
  const values: OptionValues = {};
  for (const [name, raw] of Object.entries(parsed.values)) values[name] = convert(command, name, specs[name]!, raw as string | boolean | string[]);
  return { positionals: parsed.positionals, values };
}

function convert(command: string, name: string, spec: OptionSpec, raw: string | boolean | string[]): string | number | boolean | string[] {
  if (typeof raw === 'boolean' || Array.isArray(raw)) return raw;
  if (spec.choices && !spec.choices.includes(raw)) {
    fail('FAULTLINE_CLI_OPTION', `${command}: --${name} must be one of ${spec.choices.join(', ')}; got '${raw}'${didYouMean(raw, spec.choices)}`);
  }
  if (spec.kind !== 'int') return raw;
  const v = Number(raw);
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  if (raw.trim() === '' || !Number.isSafeInteger(v) || v < min || v > max) {
    fail('FAULTLINE_CLI_OPTION', `${command}: --${name} must be a whole number${spec.min !== undefined || spec.max !== undefined ? ` from ${min} to ${max}` : ''}; got '${raw}'`);
  }
  return v;
}

/** The options' lines of a command's help. */
export function optionHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([k, s]) => [`${s.short ? `-${s.short}, ` : '    '}--${k}${s.value ? ` ${s.value}` : ''}`, s.help]);
  const width = Math.max(...rows.map((r) => r[0]!.length)) + 2;
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}${b}`).join('\n');
}
