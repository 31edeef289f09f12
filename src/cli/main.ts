// faultline's command line: parses the command and its options, runs it, prints what a
// person reads, and returns the exit status (0 ok, 1 a check failed, 2 bad usage or error).

import { bugToggles } from '../scenario/bugs.ts';
import { defaultScenarioName, loadScenario, shippedScenarios } from '../scenario/load.ts';
import { formatNestedReport } from '../report/format-nested.ts';
import { FaultlineError } from '../util/errors.ts';
import { parseArgs, type OptionSpec } from './args.ts';
import { formatChainReport, runChain } from './run-chain.ts';
import { runNested } from './run-nested.ts';

const runOptions: Record<string, OptionSpec> = {
  runtime: { kind: 'string', help: 'threads (real workers, the default) or sim (deterministic, seeded)', choices: ['threads', 'sim'] },
  seed: { kind: 'int', help: 'seed for every random choice (default: the scenario\'s, else 1)' },
  json: { kind: 'string', help: 'also write the report as JSON to this file' },
  workers: { kind: 'string', help: "'each' (one worker per tier) or a number of workers to group the tiers into" },
  'duration-ms': { kind: 'int', help: 'override how long the workload runs' },
  bug: { kind: 'list', help: 'turn on a bug toggle (repeatable); see `faultline bugs`' },
  machines: { kind: 'string', help: 'machine engine: compiled (default) or xstate (reference mode, slow, for debugging)', choices: ['compiled', 'xstate'] },
  'stall-ms': { kind: 'int', help: 'threads: fail with a report when nothing progresses this long (default 10000)' },
  requests: { kind: 'int', help: 'chain only: round trips to run (0: run for --duration-ms)' },
  window: { kind: 'int', help: 'chain only: requests in flight at once' },
  help: { kind: 'flag', help: 'show this help' },
};

function usage(): string {
  const opts = Object.entries(runOptions).map(([k, v]) => `  --${k.padEnd(12)} ${v.help}`).join('\n');
  return [
    'faultline — an emulator of the IOMMU I/O page-fault path of a virtualised machine',
    '',
    'usage:',
    `  faultline run [scenario] [options]   run a scenario: a YAML/JSON file or a shipped name (default: ${defaultScenarioName})`,
    '  faultline scenarios                  list the shipped scenarios',
    '  faultline bugs                       list the bug toggles (historic races you can turn on)',
    '  faultline help                       this text',
    '',
    'run options:',
    opts,
    '',
    'examples:',
    '  faultline run                                    the default nested fault storm on threads (~10 s)',
    '  faultline run default-storm --runtime sim --seed 7',
    '  faultline run scenarios/default-storm.yaml --workers 2 --json out.json',
    '  faultline run chain --requests 200000 --window 64    the bare five-stage chain (transport ceiling)',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'scenarios':
        for (const s of shippedScenarios()) {
          const { scenario } = loadScenario(s);
          console.log(`${s.padEnd(28)} ${scenario.description}`);
        }
        return 0;
      case 'bugs':
        for (const b of bugToggles) console.log(`${b.name.padEnd(28)} ${b.race.padEnd(4)} ${b.tier.padEnd(6)} ${b.summary}`);
        return 0;
      case 'help':
      case '--help':
      case '-h':
        console.log(usage());
        return 0;
      default:
        console.error(`faultline: unknown command '${command}'\n\n${usage()}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof FaultlineError) {
      console.error(`faultline: ${err.message}`);
      if (process.env.FAULTLINE_DEBUG) console.error(err.stack);
      return err.code === 'FAULTLINE_INTERRUPTED' ? 130 : 2;
    }
    throw err;
  }
}

function parseWorkers(raw: string | undefined): 'each' | number | undefined {
  if (raw === undefined || raw === 'each') return raw;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1 && n <= 5)) {
    throw new FaultlineError('FAULTLINE_CLI_OPTION', `--workers must be 'each' or a whole number from 1 to 5; got '${raw}'`);
  }
  return n;
}

async function runCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, runOptions);
  if (options.help) {
    console.log(usage());
    return 0;
  }
  if (positionals.length > 1) throw new FaultlineError('FAULTLINE_CLI_ARGS', `run takes one scenario, got: ${positionals.join(' ')}`);
  const ref = positionals[0] ?? defaultScenarioName;
  const runtime = (options.runtime as 'threads' | 'sim' | undefined) ?? 'threads';
  const workers = parseWorkers(options.workers as string | undefined);
  const json = options.json as string | undefined;
  if (ref === 'chain') {
    const report = await runChain({
      runtime, seed: (options.seed as number | undefined) ?? 1,
      requests: (options.requests as number | undefined) ?? 0,
      durationMs: (options['duration-ms'] as number | undefined) ?? 10_000,
      window: (options.window as number | undefined) ?? 64,
      workers: workers ?? 'each',
      ...(json ? { json } : {}),
    });
    console.log(formatChainReport(report));
    return report.ok ? 0 : 1;
  }
  for (const chainOnly of ['requests', 'window']) {
    if (options[chainOnly] !== undefined) throw new FaultlineError('FAULTLINE_CLI_OPTION', `--${chainOnly} applies to the chain scenario only; set the workload in the scenario file`);
  }
  const { scenario } = loadScenario(ref);
  if (options['duration-ms'] !== undefined) scenario.durationMs = options['duration-ms'] as number;
  const bugs = (options.bug as string[] | undefined) ?? [];
  for (const b of bugs) {
    if (!bugToggles.some((t) => t.name === b)) throw new FaultlineError('FAULTLINE_CLI_OPTION', `unknown bug toggle '${b}'; see \`faultline bugs\``);
  }
  scenario.bugs = [...new Set([...scenario.bugs, ...bugs])];
  const report = await runNested(scenario, {
    runtime, seed: (options.seed as number | undefined) ?? scenario.seed, source: ref,
    ...(workers !== undefined ? { workers } : {}),
    ...(options.machines ? { machines: options.machines as 'compiled' | 'xstate' } : {}),
    ...(options['stall-ms'] !== undefined ? { stallMs: options['stall-ms'] as number } : {}),
    ...(json ? { json } : {}),
  });
  console.log(formatNestedReport(report));
  return report.ok ? 0 : 1;
}
