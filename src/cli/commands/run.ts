// `faultline run [scenario]`: one run of a nested scenario (or the bare example chain) on
// threads or in the simulator, with its readable summary and verdict.

import type { RunOptions, StrategySpec } from '../../api/index.ts';
import { defaultScenarioName, seedMax } from '../../api/constants.ts';
import { fail } from '../../util/errors.ts';
import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand, type OptionValues } from '../options.ts';
import { checkOutputPath, outputFor } from '../output.ts';
import { statSync } from 'node:fs';

export const scenarioOptions = {
  'duration-ms': { kind: 'int', value: 'MS', help: 'how long the workload runs (scenario time; overrides durationMs)' },
  bug: { kind: 'list', value: 'NAME', help: 'turn on a bug toggle (repeatable); see `faultline bugs`' },
  set: { kind: 'list', value: 'PATH=VALUE', help: 'override a scenario key, checked by the scenario schema (repeatable): --set iommu.prqEntries=64' },
} as const;

const options = {
  runtime: { kind: 'string', value: 'R', choices: ['threads', 'sim'], help: 'threads (real workers, the default) or sim (deterministic, seeded)' },
  seed: { kind: 'int', value: 'N', min: 0, max: seedMax, help: "seed for every random choice (default: the scenario's, else 1)" },
  ...scenarioOptions,
  json: { kind: 'string', value: 'FILE', help: 'also write the report as JSON to FILE (- for stdout; the text then goes to stderr)' },
  out: { kind: 'string', value: 'DIR', help: 'write summary.json, metrics.csv, trace.json (Perfetto) and report.html (plots) into DIR (created when missing)' },
  workers: { kind: 'string', value: 'each|N', help: 'threads: one worker per tier (each, the default) or the tiers grouped into N workers' },
  machines: { kind: 'string', value: 'ENGINE', choices: ['compiled', 'xstate'], help: 'machine engine: compiled (default) or xstate (reference mode, slower, for debugging)' },
  'stall-ms': { kind: 'int', value: 'MS', min: 1, help: 'threads: fail with a stall report when nothing progresses this long (default 10000)' },
  'time-scale': { kind: 'int', value: 'N', help: "threads: scenario time runs N times slower than the wall clock (default: the scenario's threads.timeScale)" },
  record: { kind: 'string', value: 'FILE', help: 'threads: record every step into FILE for an exact replay (faultline replay --record FILE)' },
  strategy: {
    kind: 'string',
    value: 'S',
    choices: ['random', 'pct', 'pos', 'delay-bounded'],
    help: 'sim: how simultaneous deliveries are ordered (default random; a replay line of a pct, pos or delay-bounded finding has it)',
  },
  depth: { kind: 'int', value: 'D', min: 1, max: 64, help: 'sim: pct bug depth d, or delay-bounded deviations k' },
  'steps-estimate': { kind: 'int', value: 'K', min: 1, help: 'sim: pct, delay-bounded: steps their choices are spread over' },
  'record-schedule': { kind: 'flag', help: 'sim: when the run fails, write its schedule to <scenario>-seed<N>.schedule.json for `faultline replay ... --schedule FILE`' },
  requests: { kind: 'int', value: 'N', min: 0, help: 'chain only: round trips to run (0: run for --duration-ms)' },
  window: { kind: 'int', value: 'N', min: 1, help: 'chain only: requests in flight at once (default 64)' },
  ...helpOption,
} as const;

/** --workers: 'each' or a whole number (the scenario schema checks the range). */
function workersOf(raw: unknown): 'each' | number | undefined {
  if (raw === undefined) return undefined;
  return /^\d+$/.test(String(raw)) ? Number(raw) : (String(raw) as 'each');
}

/** The run options a command line gives (scenario changes included). */
export function runOptionsOf(v: OptionValues): RunOptions {
  const workers = workersOf(v.workers);
  return {
    ...(v.runtime !== undefined ? { runtime: v.runtime as 'threads' | 'sim' } : {}),
    ...(v.seed !== undefined ? { seed: v.seed as number } : {}),
    ...(v['duration-ms'] !== undefined ? { durationMs: v['duration-ms'] as number } : {}),
    ...(v.bug !== undefined ? { bugs: v.bug as string[] } : {}),
    ...(v.set !== undefined ? { set: v.set as string[] } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(v.machines !== undefined ? { machines: v.machines as 'compiled' | 'xstate' } : {}),
    ...(v['stall-ms'] !== undefined ? { stallMs: v['stall-ms'] as number } : {}),
    ...(v['time-scale'] !== undefined ? { timeScale: v['time-scale'] as number } : {}),
    ...(v.record !== undefined ? { record: v.record as string } : {}),
    ...(v['record-schedule'] === true ? { recordSchedule: true } : {}),
    ...(v.strategy !== undefined || v.depth !== undefined || v['steps-estimate'] !== undefined
      ? {
          strategy: {
            name: (v.strategy as StrategySpec['name'] | undefined) ?? 'random',
            ...(v.depth !== undefined ? { depth: v.depth as number } : {}),
            ...(v['steps-estimate'] !== undefined ? { stepsEstimate: v['steps-estimate'] as number } : {}),
          },
        }
      : {}),
    ...(v.out !== undefined ? { out: v.out as string } : {}),
  };
}

async function runChainCommand(v: OptionValues, signal: AbortSignal): Promise<number> {
  for (const k of ['bug', 'set', 'strategy', 'depth', 'steps-estimate', 'machines', 'stall-ms', 'time-scale', 'record', 'record-schedule', 'out']) {
    if (v[k] !== undefined) fail('FAULTLINE_OPTION_IGNORED', `run chain: --${k} does not apply to the example chain (it has no scenario, bugs or recording)`);
  }
  const runtime = (v.runtime as 'threads' | 'sim' | undefined) ?? 'threads';
  if (runtime === 'sim' && v.workers !== undefined) fail('FAULTLINE_OPTION_IGNORED', '--workers applies to the threaded runtime only (the simulator runs every actor in one thread)');
  const workers = workersOf(v.workers) ?? 'each';
  if (workers !== 'each' && !(Number.isInteger(workers) && workers >= 1 && workers <= 5))
    fail('FAULTLINE_CLI_OPTION', `--workers must be 'each' or a whole number from 1 to 5; got '${String(v.workers)}'`);
  const durationMs = (v['duration-ms'] as number | undefined) ?? 10_000;
  if (durationMs < 1) fail('FAULTLINE_CLI_OPTION', `--duration-ms must be at least 1; got ${durationMs}`);
  const json = v.json as string | undefined;
  if (json !== undefined) checkOutputPath('--json', json, true);
  signal.throwIfAborted();
  const { formatChainReport, runChain } = await loadApi();
  const report = await runChain({
    runtime,
    seed: (v.seed as number | undefined) ?? 1,
    requests: (v.requests as number | undefined) ?? 0,
    durationMs,
    window: (v.window as number | undefined) ?? 64,
    workers,
  });
  const out = outputFor(json);
  out.text(formatChainReport(report));
  out.json(report);
  return report.ok ? 0 : 1;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a scenario on real worker threads (default) or in the deterministic simulator, and print its summary and verdict.',
  usage: 'faultline run [scenario] [options]',
  about: [
    `scenario: a shipped name (\`faultline scenarios\`), a YAML or JSON file, or \`chain\` (the bare five-stage chain); default ${defaultScenarioName}.`,
    'exit status: 0 every check passed, 1 a check or invariant failed, 2 bad usage, a bad scenario or an error, 130 interrupted.',
  ].join('\n'),
  options,
  examples: [
    'faultline run                                             the default storm on threads (about 10 s)',
    'faultline run default-storm --runtime sim --seed 7 --duration-ms 5',
    'faultline run vprq-overflow --runtime sim --bug vprq-drop-leaks-cookie --json -',
    'faultline run prq-overflow-mid-group --set iommu.prqEntries=64 --runtime sim',
    'faultline run default-storm --runtime sim --duration-ms 5 --out runs/storm   summary.json, metrics.csv, trace.json, report.html',
    'faultline run chain --requests 200000 --window 512',
  ],
  async run(argv, signal) {
    const { checkRunOptions, cliOptionName, formatNestedReport, openScenario, runOpenedScenario, saveRunSchedule } = await loadApi();
    const { positionals, values: v } = parseCommand('run', argv, options);
    if (positionals.length > 1) fail('FAULTLINE_CLI_ARGS', `run takes one scenario, got ${positionals.length}: ${positionals.join(' ')}`);
    const ref = positionals[0] ?? defaultScenarioName;
    if (ref === 'chain') return runChainCommand(v, signal);
    for (const chainOnly of ['requests', 'window']) {
      if (v[chainOnly] !== undefined) fail('FAULTLINE_OPTION_IGNORED', `--${chainOnly} applies to the chain only; set the workload in the scenario (--set workload.inFlight=N)`);
    }
    const o = runOptionsOf(v);
    checkRunOptions(o, cliOptionName);
    const json = v.json as string | undefined;
    if (json !== undefined) checkOutputPath('--json', json, true);
    if (o.record !== undefined) checkOutputPath('--record', o.record);
    const opened = openScenario(ref, o, cliOptionName);
    const report = await runOpenedScenario(opened, { ...o, signal });
    const out = outputFor(json);
    out.text(formatNestedReport(report));
    if (o.out !== undefined) out.text(`outputs: ${o.out}/ (summary.json, metrics.csv, trace.json for Perfetto or chrome://tracing, report.html)`);
    if (o.record !== undefined) out.text(`recording: ${o.record} (${statSync(o.record).size} bytes); replays exactly with: ${report.replay}`);
    if (o.recordSchedule) {
      out.text(
        report.ok
          ? 'schedule: not written (the run passed; a seed alone replays it)'
          : `schedule: ${saveRunSchedule(report, opened, `${opened.scenario.name}-seed${report.seed}.schedule.json`, o.strategy?.name)}`,
      );
    }
    out.json(report);
    return report.ok ? 0 : 1;
  },
};
