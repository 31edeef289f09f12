// One run of a resolved nested IOPF scenario on threads or in the deterministic runtime,
// turned into its report (checks, invariants, replay line). The API and the seed exploration
// both call it; writing the report anywhere is the caller's business.

import { isMainThread } from 'node:worker_threads';
import { runNestedOffThread } from './nested-run-off-thread.ts';
import { buildNestedReport, type NestedReport } from '../report/nested-report.ts';
import type { MachinesMode } from '../machines/mode.ts';
import { runSim, type SimResult } from './sim/sim-runtime.ts';
import { defaultStrategy, randomStrategy, replayStrategy, type ReplayStrategy } from './sim/strategy.ts';
import { makeStrategy, strategyWords, type StrategySpec } from './sim/strategy-spec.ts';
import { decodeChoices, encodeChoices, type StepSchedule } from './sim/choices.ts';
import { observeStepLayout } from './sim/step-layout.ts';
import { stepReplayStrategy } from './sim/step-replay.ts';
import type { Strategy } from './sim/strategy.ts';
import { runThreaded } from './threads/threaded-runtime.ts';
import { workerPlacement } from './threads/layout.ts';
import { nestedTopology } from '../scenario/nested-topology.ts';
import { largestTimingNs, simTimings } from '../scenario/sim-timing.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Topology } from '../actor/topology.ts';
import { loadScenario } from '../scenario/load.ts';
import { scenarioSets } from '../scenario/scenario-diff.ts';
import type { DeviceState } from '../../actors/device/device-state.ts';
import { recordReplayLine, saveRecording } from './record/recorded-run.ts';
import { fail } from '../util/errors.ts';
import { practicalMaxOf } from '../util/distribution.ts';
import type { MetricsOptions } from '../check/metrics-collector.ts';

export interface NestedRunOptions {
  runtime: 'threads' | 'sim';
  seed: number;
  workers?: 'each' | number;
  /** Simulator: stop with stopReason 'wall-clock-cap' after this long (default 10 minutes). */
  wallClockCapMs?: number;
  /** Simulator: stop after this many steps (a guard against a workload that never ends). */
  maxSteps?: number;
  /** The online checker (default on). */
  check?: boolean;
  /** The run's metrics, derived by the checker from the check events (default on; false: off; needs the checker). */
  metrics?: MetricsOptions | false;
  /** Machine engine: the compiled executor (default) or XState itself (reference mode). */
  machines?: MachinesMode;
  /** Threads: fail when nothing progresses this long while work is outstanding. */
  stallMs?: number;
  /** How the user named the scenario (a shipped name or a file path), for the replay line. */
  source?: string;
  /** Simulator: replay this recorded schedule (base64url choices, `--schedule`) instead of the seeded random strategy. */
  schedule?: string;
  /** Simulator: how the scheduler orders simultaneous deliveries (default: seeded uniform random); the replay line carries it. */
  strategy?: StrategySpec;
  /** Simulator: keep the trace hash and the source delivered after every step (the determinism self-check compares two runs with them). */
  stepHashes?: boolean;
  /** Simulator: called with the simulator's own result (steps, choices, step hashes) before the report is built. */
  onSimResult?: (r: SimResult) => void;
  /** Simulator: replay these choices (a schedule file's) instead of the seeded random strategy; `schedule` is the same as text. */
  choices?: ArrayLike<number>;
  /** A replayed schedule past its last choice: 'diverge' (default, as an exact replay) or 'default' (choice 0 from there on: schedule files). */
  schedulePastEnd?: 'diverge' | 'default';
  /** A replayed schedule that stops fitting: 'strict' (default) throws FAULTLINE_REPLAY_DIVERGED; 'seeded' goes on with the seed's random strategy, 'default' with choice 0, and report.divergence says where. */
  onDiverge?: 'strict' | 'seeded' | 'default';
  /** Simulator: replay this schedule step by step (step-replay.ts: what no longer fits takes the default), instead of `choices` or the seeded strategy (a shrink's candidates). */
  steps?: StepSchedule;
  /** Simulator: called after the run with how many delay choices each step drew (the layout choices.ts parseSchedule splits the run's schedule with). */
  onStepLayout?: (delaysPerStep: number[]) => void;
  /** Simulator: put the run's schedule (its recorded choices, one base64url line) in report.schedule. */
  recordSchedule?: boolean;
  /** Threads: record every step into this file; the replay line is then `faultline replay --record <file>`, exact. */
  record?: string;
  /** Stops the run from outside (FAULTLINE_INTERRUPTED). */
  signal?: AbortSignal;
  /**
   * Simulator: when the checker keeps its violations' causal chains. 'on-violation' (default):
   * the run keeps none and a run that found a violation runs again with them (the same run, so
   * the same result, for a second run's time), unless it was stopped from outside (interrupted,
   * wall-clock cap): then its violations come without chains; 'always': one run that keeps them;
   * 'never': violations come without chains (a search that only asks whether a run fails). On
   * threads the chains are always kept: a threaded run cannot be run again as it ran.
   */
  chains?: 'on-violation' | 'always' | 'never';
}

/**
 * The simulator's livelock bound for a scenario (issue 12, src/runtime/sim/watchdog.ts): no group
 * answered and no DMA access ended for this long of scenario time while work is outstanding stops the
 * run. Four times the largest delay the scenario configures (an ATC invalidation time-out stalls the
 * IOMMU's command queue, responses included, that long), and at least the longest fault window
 * (pauseGuest) plus 1 ms, and never under 1 ms.
 */
export function livelockBoundNs(s: Scenario): number {
  const delays = [
    largestTimingNs(simTimings(s.sim)),
    practicalMaxOf(s.guest.handlerCostNs),
    practicalMaxOf(s.guest.unmapEveryNs),
    s.workload.thinkNs,
    s.iommu.atcInvTimeoutNs,
    practicalMaxOf(s.iommu.atsLatencyNs),
    practicalMaxOf(s.iommu.iotlbInvLatencyNs),
    (s.liveness.boundUs ?? 0) * 1e3,
    ...s.devices.map((d) => practicalMaxOf(d.atcInvDelayNs)),
  ];
  const windowNs = Math.max(0, ...s.events.map((e) => (e.untilMs === null ? 0 : (e.untilMs - e.atMs) * 1e6)));
  return Math.max(1e6, 4 * Math.max(...delays), windowNs + 1e6);
}

/** Progress for the watchdog: groups answered and DMA accesses ended at the device. */
const deviceProgress = {
  name: 'groups answered or DMA accesses ended at the device',
  actors: ['device'],
  probe: (stateOf: (actor: string) => unknown): number => {
    const c = (stateOf('device') as DeviceState | undefined)?.c;
    if (c === undefined) return 0;
    const r = c.responses;
    let n = r.success + r.invalid + r.failure + r.reserved + c.dmaOk;
    for (const k in c.dmaFailed) n += c.dmaFailed[k as keyof typeof c.dmaFailed];
    return n;
  },
};

/**
 * The one line that replays a run in the deterministic runtime: the scenario as named, the
 * seed, the duration, the bug toggles, and a --set for every other key the run changed from
 * the named scenario (when it can be loaded), so a run with overrides replays as it ran.
 */
export function replayLine(scenario: Scenario, seed: number, source: string = scenario.name, strategy?: StrategySpec): string {
  const bugs = scenario.bugs.map((b) => ` --bug ${b}`).join('');
  const base = baseOf(source);
  const sets = base === undefined ? [] : scenarioSets(base, scenario, ['durationMs', 'seed', 'bugs', 'threads', 'name', 'description']);
  return `faultline run ${source} --runtime sim --seed ${seed} --duration-ms ${scenario.durationMs}${bugs}${sets.map((t) => ` --set ${t}`).join('')}${strategyWords(strategy)}`;
}

/** The scenario a replay line names, as the loader gives it, or undefined when it cannot be loaded (an API object). */
function baseOf(source: string): Scenario | undefined {
  try {
    return loadScenario(source).scenario;
  } catch {
    return undefined;
  }
}

/** The strategy that replays a run's schedule (text or choices), or undefined for the seeded random one. */
function scheduleStrategy(o: NestedRunOptions): ReplayStrategy | undefined {
  const choices = o.choices ?? (o.schedule !== undefined ? decodeChoices(o.schedule) : undefined);
  if (choices === undefined) return undefined;
  const fallback = o.onDiverge === 'seeded' ? randomStrategy(o.seed) : o.onDiverge === 'default' ? defaultStrategy : undefined;
  return replayStrategy(choices, { ...(o.schedulePastEnd !== undefined ? { pastEnd: o.schedulePastEnd } : {}), ...(fallback !== undefined ? { fallback } : {}) });
}

interface SimRunDone {
  r: SimResult;
  strategy: ReplayStrategy | undefined;
  /** With o.onStepLayout: the delay choices each step drew. */
  delaysPerStep?: number[];
}

/** One simulator run of the nested topology as the options ask, keeping causal chains or not. */
function simRunOnce(topology: Topology, scenario: Scenario, o: NestedRunOptions, chains: boolean): SimRunDone {
  const strategy = scheduleStrategy(o);
  const chosen: Strategy | undefined = o.steps !== undefined ? stepReplayStrategy(o.steps) : (strategy ?? (o.strategy !== undefined ? makeStrategy(o.strategy, o.seed) : undefined));
  const observed = o.onStepLayout !== undefined ? observeStepLayout(chosen ?? randomStrategy(o.seed)) : undefined;
  const r = runSim(topology, {
    seed: o.seed,
    maxSteps: o.maxSteps ?? 200_000_000,
    check: o.check ?? true,
    machines: o.machines ?? 'compiled',
    guard: {
      livelockBoundNs: livelockBoundNs(scenario),
      progress: deviceProgress,
      ...(o.wallClockCapMs !== undefined ? { wallClockCapMs: o.wallClockCapMs } : {}),
    },
    metrics: o.metrics ?? {},
    ...(chains ? {} : { chains: false }),
    ...(observed !== undefined ? { strategy: observed.strategy } : chosen !== undefined ? { strategy: chosen } : {}),
    ...(o.stepHashes ? { stepHashes: true } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
  });
  return { r, strategy, ...(observed !== undefined ? { delaysPerStep: observed.delaysPerStep } : {}) };
}

/**
 * The simulator's run with its violations' causal chains. Keeping chains costs about a tenth of a
 * run, and only a violation reads them; a run is exact to replay, so by default ('on-violation')
 * the run keeps none, and a run that found a violation runs again with them, which gives what one
 * run keeping them gives. A run stopped from outside (an interrupt, the wall-clock cap) does not
 * run again: its user asked it to stop, or it already ran too long. Its violations come without
 * chains (the report says so), as does a run again that is itself interrupted.
 */
function simRunWithChains(topology: Topology, scenario: Scenario, o: NestedRunOptions): SimRunDone {
  const done = simRunMaybeAgain(topology, scenario, o);
  if (done.delaysPerStep !== undefined) o.onStepLayout!(done.delaysPerStep);
  return done;
}

/** A stop that a second run would not reach at the same step: the wall clock's, an interrupt's. */
function stoppedFromOutside(stop: SimResult['stopReason']): boolean {
  return stop === 'interrupted' || stop === 'wall-clock-cap';
}

function simRunMaybeAgain(topology: Topology, scenario: Scenario, o: NestedRunOptions): SimRunDone {
  const mode = o.chains ?? 'on-violation';
  const first = simRunOnce(topology, scenario, o, mode === 'always');
  if (mode !== 'on-violation' || first.r.checker === null || first.r.checker.violations.length === 0) return first;
  if (stoppedFromOutside(first.r.stopReason)) return first;
  const again = simRunOnce(topology, scenario, o, true);
  return stoppedFromOutside(again.r.stopReason) ? first : again;
}

/**
 * Run a resolved scenario. With a signal, a simulator run goes to a worker thread
 * (nested-run-off-thread.ts) so this thread can notice the signal while it runs.
 */
export async function runNested(scenario: Scenario, o: NestedRunOptions): Promise<NestedReport> {
  if (o.runtime === 'sim' && o.signal !== undefined && isMainThread) {
    return runNestedOffThread(scenario, { ...o, signal: o.signal });
  }
  const workers = o.workers ?? scenario.threads.workers;
  const { topology } = nestedTopology(scenario, workers);
  let report: NestedReport;
  if (o.record !== undefined && o.runtime !== 'threads') fail('FAULTLINE_CLI_OPTION', 'record needs the threaded runtime (a sim run replays from its seed or schedule)');
  if (o.runtime === 'sim') {
    const { r, strategy } = simRunWithChains(topology, scenario, o);
    o.onSimResult?.(r);
    report = buildNestedReport(
      { scenario: scenario.name, runtime: 'sim', seed: o.seed, workers: null },
      {
        actors: r.actors,
        channels: r.channels,
        marks: r.marks,
        stopReason: r.stopReason,
        elapsedMs: r.virtualNs / 1e6,
        checker: r.checker,
        ...(r.stopReport !== undefined ? { stopReport: r.stopReport } : {}),
      },
      { replay: replayLine(scenario, o.seed, o.source, o.schedule === undefined && o.choices === undefined && o.steps === undefined ? o.strategy : undefined), requiredMarks: scenario.marks },
    );
    report.traceHash = r.traceHash;
    report.steps = r.steps;
    if (o.recordSchedule) report.schedule = encodeChoices(r.choices);
    if (strategy?.divergence) report.divergence = strategy.divergence;
  } else {
    const r = await runThreaded(topology, {
      seed: o.seed,
      timeLimitMs: scenario.durationMs * scenario.threads.timeScale * 3 + 30_000,
      check: o.check ?? true,
      metrics: o.metrics ?? {},
      machines: o.machines ?? 'compiled',
      timeScale: scenario.threads.timeScale,
      ...(o.stallMs !== undefined ? { stallMs: o.stallMs } : {}),
      ...(o.record !== undefined ? { record: true } : {}),
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
    });
    if (o.record !== undefined) {
      saveRecording(
        o.record,
        {
          scenario,
          source: o.source ?? scenario.name,
          seed: o.seed,
          bugs: scenario.bugs,
          machines: o.machines ?? 'compiled',
          workers,
        },
        r.recording!,
      );
    }
    report = buildNestedReport(
      {
        scenario: scenario.name,
        runtime: 'threads',
        seed: o.seed,
        workers: r.workers,
        timeScale: scenario.threads.timeScale,
        placement: workerPlacement(topology),
      },
      { actors: r.actors, channels: r.channels, marks: r.marks, stopReason: r.stopReason, elapsedMs: r.wallMs, checker: r.checker },
      {
        replay:
          o.record !== undefined
            ? recordReplayLine(o.record)
            : `${replayLine(scenario, o.seed, o.source)}   (re-runs the scenario deterministically with this seed; a thread race may need other seeds: run with --record FILE to replay this interleaving exactly)`,
        requiredMarks: scenario.marks,
      },
    );
  }
  return report;
}
