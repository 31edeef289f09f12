// A small, strict argument parser: every option is declared with its kind, unknown options
// and malformed values are errors that say what was expected.

import { fail } from '../util/errors.ts';

export type OptionKind = 'string' | 'int' | 'number' | 'flag' | 'list';

export interface OptionSpec {
  kind: OptionKind;
  help: string;
  choices?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | number | boolean | string[]>;
}

export function parseArgs(argv: string[], specs: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (!spec) fail('FAULTLINE_CLI_OPTION', `unknown option --${name}; known: ${Object.keys(specs).map((k) => `--${k}`).join(', ')}`);
    if (spec.kind === 'flag') {
      options[name] = true;
      continue;
    }
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined) fail('FAULTLINE_CLI_OPTION', `--${name} needs a value (${spec.help})`);
    options[name] = convert(name, spec, raw, options[name]);
  }
  return { positionals, options };
}

function convert(name: string, spec: OptionSpec, raw: string, prev: unknown): string | number | string[] {
  if (spec.choices && !spec.choices.includes(raw)) {
    fail('FAULTLINE_CLI_OPTION', `--${name} must be one of ${spec.choices.join(', ')}; got '${raw}'`);
  }
  switch (spec.kind) {
    case 'int': {
      const v = Number(raw);
      if (!Number.isSafeInteger(v)) fail('FAULTLINE_CLI_OPTION', `--${name} must be an integer; got '${raw}'`);
      return v;
    }
    case 'number': {
      const v = Number(raw);
      if (!Number.isFinite(v)) fail('FAULTLINE_CLI_OPTION', `--${name} must be a number; got '${raw}'`);
      return v;
    }
    case 'list':
      return [...((prev as string[] | undefined) ?? []), raw];
    default:
      return raw;
  }
}
