// Shrinking a failure from the API: a replay line (or its spec) of a failing seed, shrunk to a
// small scenario and schedule (src/explore/shrink/), optionally written to a folder as a
// scenario file and a schedule file with the one command that replays them, or kept in a
// corpus; and a corpus replayed as a regression suite.

import type { InvariantId } from '../check/types.ts';
import { addCorpusEntry, corpusEntries, replayCorpusEntry, writeShrunkFiles, type CorpusEntryResult } from '../explore/shrink/corpus.ts';
import { shrink, type ShrinkOutcome } from '../explore/shrink/shrink.ts';
import { invariantNames } from '../check/types.ts';
import { fail } from '../util/errors.ts';
import { checkWritablePath } from '../util/writable-path.ts';
import { parseReplayLine, type ReplaySpec } from './replay.ts';
import { apiOptionName, cliOptionName, openScenario, type OpenedScenario, type OptionName } from './scenario.ts';
import type { NestedReport } from '../report/nested-report.ts';
import { decodeChoices } from '../runtime/sim/choices.ts';
import { replayLine } from '../runtime/nested-run.ts';
import { scheduleFile, writeScheduleFile } from '../explore/shrink/schedule-file.ts';

export interface ShrinkFailureOptions {
  /** The invariant that must keep failing (default: the first the run violates). */
  invariant?: InvariantId;
  /** Candidate runs at most (default 400). */
  runsMax?: number;
  /** Wall-clock time at most, ms (default 60 000). */
  wallMsMax?: number;
  /** Other seeds each scenario cut is searched with (the finding's strategy) when the kept schedule no longer fails on it (default 3; 0 keeps the seed). */
  reseeds?: number;
  /** Write `scenario.yaml` and `schedule.json` into this folder (created when missing). */
  out?: string;
  /** Keep the shrunk failure in this corpus folder (one sub-folder per failure). */
  corpus?: string;
  /** Each kept change, as it happens. */
  onStep?: (line: string) => void;
}

export interface ShrinkResult extends ShrinkOutcome {
  /** The command that replays the shrunk failure (names the files when they were written). */
  replay: string;
  files?: { scenario: string; schedule: string };
  /** The corpus entry's folder, with corpus. */
  corpusEntry?: string;
}

/** Check shrink options before anything runs. */
export function checkShrinkOptions(o: ShrinkFailureOptions, name: OptionName = apiOptionName): void {
  if (o.invariant !== undefined && !(o.invariant in invariantNames))
    fail('FAULTLINE_CLI_OPTION', `${name('invariant')} must be one of ${Object.keys(invariantNames).join(', ')}; got '${o.invariant}'`);
  if (o.runsMax !== undefined && !(Number.isInteger(o.runsMax) && o.runsMax >= 1)) fail('FAULTLINE_CLI_OPTION', `${name('runsMax')} must be a whole number ≥ 1; got ${o.runsMax}`);
  if (o.wallMsMax !== undefined && !(Number.isInteger(o.wallMsMax) && o.wallMsMax >= 1)) fail('FAULTLINE_CLI_OPTION', `${name('wallMsMax')} must be a whole number of ms ≥ 1; got ${o.wallMsMax}`);
  if (o.reseeds !== undefined && !(Number.isInteger(o.reseeds) && o.reseeds >= 0 && o.reseeds <= 1000))
    fail('FAULTLINE_CLI_OPTION', `${name('reseeds')} must be a whole number from 0 to 1000; got ${o.reseeds}`);
  if (o.out !== undefined) checkWritablePath(name('out'), o.out, 'folder');
  if (o.corpus !== undefined) checkWritablePath(name('corpus'), o.corpus, 'folder');
}

/**
 * Shrink a failing seed's run (its replay line or spec): a smaller scenario, then a smaller
 * schedule, each candidate kept only when the same invariant still fails; the sizes before and
 * after, and the one command that replays it.
 */
export async function shrinkFailure(line: string | ReplaySpec, o: ShrinkFailureOptions = {}, name: OptionName = apiOptionName): Promise<ShrinkResult> {
  checkShrinkOptions(o, name);
  const spec = typeof line === 'string' ? parseReplayLine(line) : line;
  if (spec.record !== undefined) fail('FAULTLINE_CLI_ARGS', 'shrink takes a simulator replay line (a scenario and a seed), not a threaded recording');
  if (spec.schedule !== undefined) fail('FAULTLINE_CLI_ARGS', 'shrink starts from a seed: give the replay line without --schedule');
  const opened = openScenario(
    spec.scenario,
    { seed: spec.seed, bugs: spec.bugs, set: spec.set, ...(spec.durationMs !== undefined ? { durationMs: spec.durationMs } : {}) },
    name === apiOptionName ? apiOptionName : cliOptionName,
  );
  const outcome = await shrink({
    scenario: opened.scenario,
    source: opened.source,
    seed: spec.seed,
    ...(spec.strategy !== undefined ? { strategy: spec.strategy } : {}),
    ...(o.invariant !== undefined ? { invariant: o.invariant } : {}),
    budget: { ...(o.runsMax !== undefined ? { runsMax: o.runsMax } : {}), ...(o.wallMsMax !== undefined ? { wallMsMax: o.wallMsMax } : {}) },
    ...(o.reseeds !== undefined ? { reseeds: o.reseeds } : {}),
    ...(o.onStep ? { onStep: o.onStep } : {}),
  });
  const result: ShrinkResult = { ...outcome, replay: `faultline replay <scenario.yaml> --seed ${outcome.seed} --schedule <schedule.json>` };
  if (o.out !== undefined) {
    const files = writeShrunkFiles(o.out, outcome);
    result.files = { scenario: files.scenario, schedule: files.schedule };
    result.replay = files.replay;
  }
  if (o.corpus !== undefined) {
    const entry = addCorpusEntry(o.corpus, outcome);
    result.corpusEntry = entry.dir;
    if (o.out === undefined) result.replay = entry.replay;
  }
  return result;
}

export interface CorpusReplayResult {
  corpus: string;
  entries: CorpusEntryResult[];
  stillFailing: number;
  nowPassing: number;
  errors: number;
}

/** Re-run every entry of a corpus (regression suite): which still fail, which now pass, where a schedule diverged. */
export async function replayCorpus(corpus: string, onEntry?: (r: CorpusEntryResult) => void): Promise<CorpusReplayResult> {
  const entries: CorpusEntryResult[] = [];
  for (const e of corpusEntries(corpus)) {
    const r = await replayCorpusEntry(corpus, e);
    entries.push(r);
    onEntry?.(r);
  }
  return {
    corpus,
    entries,
    stillFailing: entries.filter((e) => e.status === 'still fails').length,
    nowPassing: entries.filter((e) => e.status === 'now passes').length,
    errors: entries.filter((e) => e.status === 'error').length,
  };
}

/**
 * Write a failing simulator run's recorded schedule (report.schedule, from recordSchedule) to a
 * schedule file, and return the replay command that names it: schedules go to files, never
 * onto a command line (a 3 ms run's is tens of thousands of characters).
 */
export function saveRunSchedule(report: NestedReport, opened: OpenedScenario, path: string, strategy = 'random'): string {
  if (report.schedule === undefined) fail('FAULTLINE_CLI_OPTION', 'the report has no schedule: run it in the simulator with recordSchedule');
  const choices = decodeChoices(report.schedule);
  // A schedule with delay choices has more words than steps.
  writeScheduleFile(path, scheduleFile({ scenario: opened.scenario, source: opened.source, seed: report.seed, strategy, steps: report.steps ?? choices.length, choices }));
  return `faultline replay ${replayLine(opened.scenario, report.seed, opened.source).replace(/^faultline run /, '')} --schedule ${path}`;
}

export type { CorpusEntryResult, ShrinkOutcome };
