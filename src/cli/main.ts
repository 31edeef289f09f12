// faultline's command line: parses the command and its options, runs it, prints what a
// person reads, and returns the exit status (0 ok, 1 a check failed, 2 bad usage or error).

import { bugToggles, mainlineBugs } from '../scenario/bugs.ts';
import { defaultScenarioName, loadScenario, shippedScenarios } from '../scenario/load.ts';
import { formatNestedReport } from '../report/format-nested.ts';
import { FaultlineError } from '../util/errors.ts';
import { parseArgs, type OptionSpec } from './args.ts';
import { formatChainReport, runChain } from './run-chain.ts';
import { replayLine, runNested } from './run-nested.ts';
import { formatReplay, parseReplay, replayOptions, runReplay } from './replay.ts';
import { explore, formatExplore } from '../explore/explore.ts';
import { statSync, writeFileSync } from 'node:fs';
import { threadsCheck } from '../scenario/schema.ts';

const runOptions: Record<string, OptionSpec> = {
  runtime: { kind: 'string', help: 'threads (real workers, the default) or sim (deterministic, seeded)', choices: ['threads', 'sim'] },
  seed: { kind: 'int', help: 'seed for every random choice (default: the scenario\'s, else 1)' },
  json: { kind: 'string', help: 'also write the report as JSON to this file' },
  workers: { kind: 'string', help: "'each' (one worker per tier) or a number of workers to group the tiers into" },
  'duration-ms': { kind: 'int', help: 'override how long the workload runs' },
  bug: { kind: 'list', help: 'turn on a bug toggle (repeatable); see `faultline bugs`' },
  machines: { kind: 'string', help: 'machine engine: compiled (default) or xstate (reference mode, slow, for debugging)', choices: ['compiled', 'xstate'] },
  'stall-ms': { kind: 'int', help: 'threads: fail with a report when nothing progresses this long (default 10000)' },
  'time-scale': { kind: 'int', help: 'threads: scenario time runs this many times slower than the wall clock (default: the scenario\'s threads.timeScale, else 1)' },
  requests: { kind: 'int', help: 'chain only: round trips to run (0: run for --duration-ms)' },
  window: { kind: 'int', help: 'chain only: requests in flight at once' },
  record: { kind: 'string', help: 'threads: record every step into FILE for an exact replay (`faultline replay --record FILE`)' },
  'record-schedule': { kind: 'flag', help: 'sim: when the run fails, print its schedule (recorded choices, one line) for `faultline replay ... --schedule`' },
  help: { kind: 'flag', help: 'show this help' },
};

const exploreOptions: Record<string, OptionSpec> = {
  seeds: { kind: 'int', help: 'run seeds 1..N (default 20)' },
  from: { kind: 'int', help: 'first seed (with --to)' },
  to: { kind: 'int', help: 'last seed' },
  bug: { kind: 'list', help: 'turn on a bug toggle (repeatable)' },
  jobs: { kind: 'int', help: 'parallel workers (Piscina); default 1 for up to 4 seeds, else up to 4 (cores)' },
  'stop-at-first': { kind: 'flag', help: 'stop at the first failing seed' },
  'duration-ms': { kind: 'int', help: 'override how long each run\'s workload runs' },
  json: { kind: 'string', help: 'also write the per-seed summaries as JSON to this file' },
  help: { kind: 'flag', help: 'show this help' },
};

const optionLines = (specs: Record<string, OptionSpec>): string => Object.entries(specs).map(([k, v]) => `  --${k.padEnd(15)} ${v.help}`).join('\n');

function usage(): string {
  return [
    'faultline — an emulator of the IOMMU I/O page-fault path of a virtualised machine',
    '',
    'usage:',
    `  faultline run [scenario] [options]   run a scenario: a YAML/JSON file or a shipped name (default: ${defaultScenarioName})`,
    '  faultline explore <scenario> [opts]  run a scenario in the deterministic runtime over many seeds',
    '  faultline replay <replay line>       re-run a reported run deterministically and print its causal chains',
    '  faultline replay --record FILE       replay a threaded run recorded with run --record FILE, exactly',
    '  faultline scenarios                  list the shipped scenarios',
    '  faultline bugs                       list the bug toggles (historic races you can turn on)',
    '  faultline help                       this text',
    '',
    'run options:',
    optionLines(runOptions),
    '',
    'explore options (faultline explore <scenario> [--seeds N | --from A --to B] [--bug NAME]... [--jobs N] [--stop-at-first]):',
    optionLines(exploreOptions),
    '',
    'replay (faultline replay <the replay line a report printed> | <scenario> --seed N [--duration-ms D] [--bug NAME]... [--schedule S] | --record FILE):',
    optionLines(replayOptions),
    '  exit status: 1 when a violation (or failed check) reproduces, 0 when the replayed run is clean',
    '',
    'examples:',
    '  faultline run                                    the default nested fault storm on threads (~10 s)',
    '  faultline run default-storm --runtime sim --seed 7',
    '  faultline run scenarios/default-storm.yaml --workers 2 --json out.json',
    '  faultline run chain --requests 200000 --window 64    the bare five-stage chain (transport ceiling)',
    '  faultline explore prq-clear-pro-early --seeds 20 --bug clear-pro-early --stop-at-first',
    "  faultline replay 'faultline run vprq-overflow --runtime sim --seed 1 --duration-ms 1 --bug vprq-drop-leaks-cookie'",
    '  faultline run vprq-overflow --duration-ms 100 --bug vprq-drop-leaks-cookie --record run.flrec   then: faultline replay --record run.flrec',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'explore':
        return await exploreCommand(rest);
      case 'replay':
        return await replayCommand(rest);
      case 'scenarios':
        for (const s of shippedScenarios()) {
          const { scenario } = loadScenario(s);
          console.log(`${s.padEnd(28)} ${scenario.description}`);
        }
        return 0;
      case 'bugs':
        for (const b of bugToggles) {
          const how = b.shownBy;
          console.log(`${b.name.padEnd(28)} ${b.race.padEnd(4)} ${b.tier.padEnd(6)} ${b.summary}`);
          console.log(`${''.padEnd(41)}shows: faultline run ${how.scenario}${how.simOnly ? ' --runtime sim' : ''} --bug ${b.name}${how.with ? ` --bug ${how.with}` : ''}  (${how.invariants})`);
        }
        for (const b of mainlineBugs) {
          console.log(`${'(mainline, no toggle)'.padEnd(28)} ${b.race.padEnd(4)} ${b.tier.padEnd(6)} ${b.summary}`);
          console.log(`${''.padEnd(41)}shows: faultline run ${b.shownBy.scenario}${b.shownBy.simOnly ? ' --runtime sim' : ''}  (${b.shownBy.invariants}); a fix: scenario ${b.fix}`);
        }
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
  if (options['time-scale'] !== undefined) scenario.threads.timeScale = threadsCheck({ ...scenario.threads, timeScale: options['time-scale'] }, '--time-scale').timeScale;
  const bugs = (options.bug as string[] | undefined) ?? [];
  for (const b of bugs) {
    if (!bugToggles.some((t) => t.name === b)) throw new FaultlineError('FAULTLINE_CLI_OPTION', `unknown bug toggle '${b}'; see \`faultline bugs\``);
  }
  scenario.bugs = [...new Set([...scenario.bugs, ...bugs])];
  const recordSchedule = options['record-schedule'] === true;
  if (recordSchedule && runtime !== 'sim') throw new FaultlineError('FAULTLINE_CLI_OPTION', '--record-schedule needs --runtime sim');
  const record = options.record as string | undefined;
  if (record !== undefined && runtime !== 'threads') throw new FaultlineError('FAULTLINE_CLI_OPTION', '--record needs --runtime threads (a sim run replays from its seed or --record-schedule)');
  const seed = (options.seed as number | undefined) ?? scenario.seed;
  const report = await runNested(scenario, {
    runtime, seed, source: ref, recordSchedule,
    ...(workers !== undefined ? { workers } : {}),
    ...(options.machines ? { machines: options.machines as 'compiled' | 'xstate' } : {}),
    ...(options['stall-ms'] !== undefined ? { stallMs: options['stall-ms'] as number } : {}),
    ...(json ? { json } : {}),
    ...(record !== undefined ? { record } : {}),
  });
  console.log(formatNestedReport(report));
  if (record !== undefined) console.log(`recording: ${record} (${statSync(record).size} bytes); replays exactly with: ${report.replay}`);
  if (recordSchedule) {
    if (report.ok) console.log('schedule: not printed (the run passed; a seed alone replays it)');
    else console.log(`schedule (${report.schedule!.length} characters): faultline replay ${replayLine(scenario, seed, ref).replace(/^faultline run /, '')} --schedule ${report.schedule}`);
  }
  return report.ok ? 0 : 1;
}

async function exploreCommand(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, exploreOptions);
  if (options.help) {
    console.log(usage());
    return 0;
  }
  if (positionals.length !== 1) throw new FaultlineError('FAULTLINE_CLI_ARGS', `explore takes one scenario, got: ${positionals.length ? positionals.join(' ') : 'none'}`);
  const ref = positionals[0]!;
  if (options.seeds !== undefined && (options.from !== undefined || options.to !== undefined)) {
    throw new FaultlineError('FAULTLINE_CLI_OPTION', 'give either --seeds N or --from A --to B, not both');
  }
  const from = (options.from as number | undefined) ?? 1;
  const to = (options.to as number | undefined) ?? (options.from !== undefined ? from : (options.seeds as number | undefined) ?? 20);
  if (!(from >= 0 && to >= from && to - from < 1_000_000)) throw new FaultlineError('FAULTLINE_CLI_OPTION', `bad seed range ${from}..${to}`);
  const jobs = options.jobs as number | undefined;
  if (jobs !== undefined && !(jobs >= 1 && jobs <= 64)) throw new FaultlineError('FAULTLINE_CLI_OPTION', `--jobs must be from 1 to 64; got ${jobs}`);
  const bugs = (options.bug as string[] | undefined) ?? [];
  for (const b of bugs) {
    if (!bugToggles.some((t) => t.name === b)) throw new FaultlineError('FAULTLINE_CLI_OPTION', `unknown bug toggle '${b}'; see \`faultline bugs\``);
  }
  loadScenario(ref); // a bad scenario fails here, before any worker starts
  const result = await explore({
    ref, from, to, bugs, stopAtFirst: options['stop-at-first'] === true,
    ...(jobs !== undefined ? { jobs } : {}),
    ...(options['duration-ms'] !== undefined ? { durationMs: options['duration-ms'] as number } : {}),
  });
  console.log(formatExplore(result));
  if (options.json) writeFileSync(options.json as string, `${JSON.stringify(result, null, 2)}\n`);
  return result.failing === 0 && result.missingMarks.length === 0 ? 0 : 1;
}

async function replayCommand(argv: string[]): Promise<number> {
  const spec = parseReplay(argv);
  if (spec.help) {
    console.log(usage());
    return 0;
  }
  const report = await runReplay(spec);
  console.log(formatReplay(spec, report));
  return report.ok ? 0 : 1;
}
