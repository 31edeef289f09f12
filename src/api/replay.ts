// Replaying a reported run: from the replay line a report printed (`faultline run <scenario>
// --runtime sim --seed N --duration-ms D [--bug B]... [--set k=v]...`, a trailing note in
// parentheses ignored), or from a threaded run's recording, exactly.

import { parseArgs } from 'node:util';
import type { NestedReport } from '../report/nested-report.ts';
import type { ReplaySource } from '../report/format-replay.ts';
import { replayRecordFile } from '../runtime/record/recorded-run.ts';
import { fail } from '../util/errors.ts';
import { didYouMean } from '../util/suggest.ts';
import { checkRunOptions, runOpenedScenario } from './run.ts';
import { checkStrategySpec, type StrategySpec } from '../runtime/sim/strategy-spec.ts';
import { runNested, type NestedRunOptions } from '../runtime/nested-run.ts';
import { isInlineSchedule, readScheduleFile } from '../explore/shrink/schedule-file.ts';
import { existsSync } from 'node:fs';
import { cliOptionName, openScenario } from './scenario.ts';

export interface ReplaySpec {
  /** The scenario as the line names it (a shipped name or a file path). */
  scenario: string;
  seed: number;
  durationMs?: number;
  bugs: string[];
  /** `path=value` overrides the run had. */
  set: string[];
  /** The simulator's ordering strategy when not random (`--strategy pct --depth 3 --steps-estimate K`). */
  strategy?: StrategySpec;
  /** The simulator's recorded choices, replayed step for step: base64url text, or a schedule file (src/explore/shrink/schedule-file.ts). */
  schedule?: string;
  /** A schedule that stops fitting the run goes on with the seed's random strategy and report.divergence says where, instead of FAULTLINE_REPLAY_DIVERGED. */
  continue?: boolean;
  /** A threaded run's recording (`faultline replay --record FILE`): replayed exactly; nothing else applies. */
  record?: string;
}

const lineOptions = {
  runtime: { type: 'string' },
  seed: { type: 'string' },
  'duration-ms': { type: 'string' },
  bug: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  schedule: { type: 'string' },
  continue: { type: 'boolean' },
  record: { type: 'string' },
  strategy: { type: 'string' },
  depth: { type: 'string' },
  'steps-estimate': { type: 'string' },
} as const;

/** The words of a replay line: one quoted argument or several; `faultline`, `run` and a trailing `(note)` dropped. */
export function replayWords(line: string | readonly string[]): string[] {
  let words = (typeof line === 'string' ? [line] : line).flatMap((a) => a.trim().split(/\s+/)).filter((w) => w !== '');
  const note = words.findIndex((w) => w.startsWith('('));
  if (note >= 0) words = words.slice(0, note);
  if (words[0] === 'faultline' || words[0]?.endsWith('/faultline') || words[0]?.endsWith('faultline.mjs')) words = words.slice(1);
  if (words[0] === 'run' || words[0] === 'replay') words = words.slice(1);
  return words;
}

function wholeNumber(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) fail('FAULTLINE_CLI_OPTION', `${option} must be a whole number; got '${raw}'`);
  return n;
}

/** Parse a replay line into what it replays; a malformed line throws FaultlineError saying what was expected. */
export function parseReplayLine(line: string | readonly string[]): ReplaySpec {
  const words = replayWords(line);
  for (const w of words) {
    const name = /^--([^=]+)/.exec(w)?.[1];
    if (name !== undefined && !(name in lineOptions)) {
      fail(
        'FAULTLINE_CLI_OPTION',
        `unknown option --${name} in the replay line${didYouMean(name, Object.keys(lineOptions))}; a replay line has ${Object.keys(lineOptions)
          .map((k) => `--${k}`)
          .join(', ')}`,
      );
    }
  }
  const { values, positionals } = parseArgs({ args: words, options: lineOptions, allowPositionals: true, strict: true });
  if (values.record !== undefined) {
    const others = Object.keys(values).filter((k) => k !== 'record');
    if (positionals.length > 0 || others.length > 0) {
      fail('FAULTLINE_CLI_ARGS', `replay --record FILE takes nothing else (the recording carries the scenario, seed and bugs); got ${[...positionals, ...others.map((k) => `--${k}`)].join(' ')}`);
    }
    return { scenario: '', seed: 0, bugs: [], set: [], record: values.record };
  }
  if (positionals.length !== 1) {
    fail('FAULTLINE_CLI_ARGS', `a replay line names one scenario (\`faultline run <scenario> --runtime sim --seed N ...\`); got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  }
  if (values.runtime !== undefined && values.runtime !== 'sim')
    fail('FAULTLINE_CLI_OPTION', `a replay is deterministic: --runtime must be sim; got '${values.runtime}' (to replay a threaded run exactly, record it with --record FILE)`);
  const seed = wholeNumber('--seed', values.seed);
  if (seed === undefined) fail('FAULTLINE_CLI_ARGS', 'the replay line needs --seed N (the replay line a report prints has it)');
  const durationMs = wholeNumber('--duration-ms', values['duration-ms']);
  const depth = wholeNumber('--depth', values.depth);
  const stepsEstimate = wholeNumber('--steps-estimate', values['steps-estimate']);
  const strategy =
    values.strategy !== undefined || depth !== undefined || stepsEstimate !== undefined ? checkStrategySpec({ name: values.strategy ?? 'random', depth, stepsEstimate }, cliOptionName) : undefined;
  return {
    scenario: positionals[0]!,
    seed,
    bugs: values.bug ?? [],
    set: values.set ?? [],
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(values.schedule !== undefined ? { schedule: values.schedule } : {}),
    ...(strategy !== undefined ? { strategy } : {}),
    ...(values.continue === true ? { continue: true } : {}),
  };
}

/** Re-run a replay line's run in the simulator (deterministic: the same verdict and trace hash). */
export async function replay(spec: ReplaySpec | string): Promise<NestedReport> {
  const s = typeof spec === 'string' ? parseReplayLine(spec) : spec;
  if (s.record !== undefined) return replayRecording(s.record);
  const opened = openScenario(
    s.scenario,
    {
      seed: s.seed,
      bugs: s.bugs,
      set: s.set,
      ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
    },
    cliOptionName,
  );
  if (s.schedule === undefined) {
    const options = { runtime: 'sim', ...(s.strategy !== undefined ? { strategy: s.strategy } : {}) } as const;
    checkRunOptions(options, cliOptionName);
    return runOpenedScenario(opened, options);
  }
  return runNested(opened.scenario, { runtime: 'sim', seed: opened.scenario.seed, source: opened.source, ...scheduleOptions(s.schedule, s.continue === true, opened.scenario.seed) });
}

/** How a --schedule value replays: inline base64url choices (exact: past their end is a divergence), or a schedule file (past its end, choice 0). */
function scheduleOptions(schedule: string, continued: boolean, seed: number): Partial<NestedRunOptions> {
  const onDiverge = continued ? { onDiverge: 'seeded' as const } : {};
  if (isInlineSchedule(schedule) && !existsSync(schedule)) return { schedule, ...onDiverge };
  const f = readScheduleFile(schedule);
  if (f.seed !== seed) fail('FAULTLINE_CLI_OPTION', `--seed ${seed} does not match the schedule file ${schedule}, recorded with seed ${f.seed}; replay it with --seed ${f.seed}`);
  return { choices: f.decoded, schedulePastEnd: 'default', ...onDiverge, ...(f.stopAtStep !== undefined ? { maxSteps: f.stopAtStep } : {}) };
}

/** Replay a threaded run recorded with `record`: the same steps, in the same order, in one thread. */
export function replayRecording(path: string): NestedReport {
  return replayRecordFile(path).report;
}

/** What formatReplay says was replayed, for a replay line's spec. */
export function replaySourceOf(spec: ReplaySpec): ReplaySource {
  if (spec.record !== undefined) return { kind: 'record', path: spec.record };
  return { kind: 'line', scenario: spec.scenario, seed: spec.seed, bugs: spec.bugs, schedule: spec.schedule !== undefined };
}
