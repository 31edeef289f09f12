// Running a nested scenario from the API: options checked against the chosen runtime before
// anything starts (an option the runtime would ignore is an error that says why), then one run
// on threads or in the deterministic simulator, reported with its checks and invariants.

import type { MachinesMode } from '../machines/mode.ts';
import type { NestedReport } from '../report/nested-report.ts';
import { runNested } from '../runtime/nested-run.ts';
import type { Scenario } from '../scenario/schema.ts';
import { fail } from '../util/errors.ts';
import type { MetricsOptions } from '../check/metrics-collector.ts';
import { checkStrategySpec, type StrategySpec } from '../runtime/sim/strategy-spec.ts';
import { checkOutDir, traceEventsDefault, writeRunOutputs } from './outputs.ts';
import { apiOptionName, openScenario, type OpenedScenario, type OptionName, type ScenarioChanges } from './scenario.ts';

export type Runtime = 'threads' | 'sim';

export interface RunOptions extends ScenarioChanges {
  /** 'threads' (real workers, the default) or 'sim' (deterministic, seeded). */
  runtime?: Runtime;
  /** Machine engine: the compiled executor (default) or XState itself (reference mode, slower). */
  machines?: MachinesMode;
  /** Threads: fail with a stall report when nothing progresses this long (ms; default 10 000). */
  stallMs?: number;
  /** Threads: record every step into this file for an exact replay (`replayRecording`). */
  record?: string;
  /** Simulator: put the run's schedule (its recorded choices, base64url) in report.schedule. */
  recordSchedule?: boolean;
  /** Simulator: replay this recorded schedule instead of the seeded strategy. */
  schedule?: string;
  /** Simulator: how the scheduler orders simultaneous deliveries (random, the default; pct, pos, delay-bounded with their parameters), as a replay line gives it. */
  strategy?: StrategySpec;
  /** Simulator: stop after this many steps. */
  maxSteps?: number;
  /** The online checker (default on). */
  check?: boolean;
  /** Stops the run: every worker is stopped and the run rejects with FAULTLINE_INTERRUPTED. */
  signal?: AbortSignal;
  /**
   * The run's metrics (report.metrics: latency histograms, queues, Little's law, series), derived
   * by the checker; default on; false turns them off. `intervalNs`/`pointsMax` shape the series,
   * `traceEventsMax` keeps a trace window for trace.json.
   */
  metrics?: MetricsOptions | false;
  /** Write summary.json, metrics.csv, trace.json and report.html into this folder after the run (writeRunOutputs). */
  out?: string;
}

const threadsOnly: Partial<Record<keyof RunOptions, string>> = {
  workers: 'the simulator runs every actor in one thread',
  stallMs: 'the simulator cannot stall: it stops when nothing is left to deliver',
  timeScale: 'the simulator runs in virtual time, which needs no scaling',
  record: 'a simulator run replays from its seed (or its schedule: recordSchedule)',
};
const simOnly: Partial<Record<keyof RunOptions, string>> = {
  recordSchedule: 'a threaded run is recorded with record FILE instead',
  schedule: "a schedule is the simulator's recorded choices; a threaded run replays from a recording",
  maxSteps: 'a threaded run is bounded by its duration and stall time',
  strategy: "a strategy orders the simulator's deliveries; threads interleave as they run",
};

/** Refuse options the chosen runtime would ignore, and malformed ones, before anything runs. */
export function checkRunOptions(o: RunOptions, name: OptionName = apiOptionName): void {
  const runtime = o.runtime ?? 'threads';
  if (runtime !== 'threads' && runtime !== 'sim') fail('FAULTLINE_CLI_OPTION', `${name('runtime')} must be 'threads' or 'sim'; got '${String(runtime)}'`);
  const wrong = runtime === 'sim' ? threadsOnly : simOnly;
  for (const [key, why] of Object.entries(wrong)) {
    const v = o[key as keyof RunOptions];
    if (v !== undefined && v !== false) {
      fail(
        'FAULTLINE_OPTION_IGNORED',
        `${name(key)} applies to the ${runtime === 'sim' ? 'threaded runtime' : 'simulator'} only (${why}); drop it, or run with ${name('runtime')} ${runtime === 'sim' ? 'threads' : 'sim'}`,
      );
    }
  }
  if (o.machines !== undefined && o.machines !== 'compiled' && o.machines !== 'xstate') fail('FAULTLINE_CLI_OPTION', `${name('machines')} must be 'compiled' or 'xstate'; got '${String(o.machines)}'`);
  if (o.stallMs !== undefined && !(Number.isInteger(o.stallMs) && o.stallMs >= 1)) fail('FAULTLINE_CLI_OPTION', `${name('stallMs')} must be a whole number of milliseconds ≥ 1; got ${o.stallMs}`);
  if (o.maxSteps !== undefined && !(Number.isInteger(o.maxSteps) && o.maxSteps >= 1)) fail('FAULTLINE_CLI_OPTION', `${name('maxSteps')} must be a whole number ≥ 1; got ${o.maxSteps}`);
  if (o.strategy !== undefined) {
    const spec = checkStrategySpec(o.strategy, name);
    if ((spec.name === 'pct' || spec.name === 'delay-bounded') && spec.stepsEstimate === undefined)
      fail('FAULTLINE_CLI_OPTION', `${name('strategy')} ${spec.name} needs ${name('stepsEstimate')} K (the replay line of a ${spec.name} finding carries it)`);
    if (o.schedule !== undefined) fail('FAULTLINE_CLI_OPTION', `give ${name('strategy')} or ${name('schedule')}, not both: a schedule replays every choice itself`);
  }
  if (o.out !== undefined) {
    checkOutDir(name('out'), o.out);
    if (o.metrics === false) fail('FAULTLINE_CLI_OPTION', `${name('out')} needs the metrics; drop ${name('metrics')}: false`);
    if (o.check === false) fail('FAULTLINE_CLI_OPTION', `${name('out')} needs the checker (the metrics come from its events); drop ${name('check')}: false`);
  }
}

/** Run an opened scenario (openScenario) with options already checked (checkRunOptions). */
export async function runOpenedScenario(opened: OpenedScenario, o: RunOptions = {}): Promise<NestedReport> {
  const { scenario, source } = opened;
  const metrics = o.metrics === false ? false : o.out !== undefined ? { traceEventsMax: traceEventsDefault, ...o.metrics } : o.metrics;
  const report = await runNested(scenario, {
    runtime: o.runtime ?? 'threads',
    seed: scenario.seed,
    source,
    ...(o.machines !== undefined ? { machines: o.machines } : {}),
    ...(o.stallMs !== undefined ? { stallMs: o.stallMs } : {}),
    ...(o.record !== undefined ? { record: o.record } : {}),
    ...(o.recordSchedule ? { recordSchedule: true } : {}),
    ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
    ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
    ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
    ...(o.check !== undefined ? { check: o.check } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(metrics !== undefined ? { metrics } : {}),
  });
  if (o.out !== undefined) writeRunOutputs(report, o.out, scenario);
  return report;
}

/**
 * Run a nested scenario (a shipped name, a file path or a Scenario object; default: the default
 * storm) on threads or in the simulator, and return its report. Bad options or scenario keys
 * throw FaultlineError before anything runs; a run that finds violations resolves with
 * `report.ok === false`; an actor that throws rejects with FAULTLINE_ACTOR_FAILED.
 */
export async function runScenario(input?: string | Scenario, options: RunOptions = {}): Promise<NestedReport> {
  checkRunOptions(options);
  return runOpenedScenario(openScenario(input, options), options);
}
