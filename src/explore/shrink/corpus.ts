// The corpus: a folder of shrunk failures, one sub-folder per failure with its scenario
// (scenario.yaml), its schedule (schedule.json) and what it showed (meta.json: the invariant,
// the seed, the sizes before and after). Replayed as a regression suite, each entry runs its
// schedule and, where the code changed so that the schedule no longer fits, goes on with the
// seed's random strategy from there and says where it diverged; the verdict is whether the
// entry's invariant still fails.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InvariantId } from '../../check/types.ts';
import { runNested } from '../../runtime/nested-run.ts';
import { describeDivergence, type Divergence } from '../../runtime/sim/strategy.ts';
import { loadScenario } from '../../scenario/load.ts';
import { fail } from '../../util/errors.ts';
import { excerpt } from '../../util/excerpt.ts';
import { readScheduleFile, writeScheduleFile } from './schedule-file.ts';
import { writeScenarioYaml } from './scenario-file.ts';
import type { ShrinkOutcome, ShrinkSizes } from './shrink.ts';
import { failedInvariants } from './trial.ts';

export const corpusEntrySchema = 'faultline.corpus-entry';

export interface CorpusMeta {
  schema: typeof corpusEntrySchema;
  version: 1;
  invariant: InvariantId;
  seed: number;
  /** The scenario the failure was found in, as named. */
  source: string;
  before: ShrinkSizes;
  after: ShrinkSizes;
  /** The command that replays the entry. */
  replay: string;
  traceHash: string;
}

export const shrunkFileNames = { scenario: 'scenario.yaml', schedule: 'schedule.json', meta: 'meta.json' } as const;

/** The one command that replays a shrunk scenario file with its schedule file. */
export const shrunkReplayLine = (scenarioPath: string, seed: number, schedulePath: string): string => `faultline replay ${scenarioPath} --seed ${seed} --schedule ${schedulePath}`;

/** Write a shrunk failure's scenario and schedule files into `dir` (created when missing); returns their paths. */
export function writeShrunkFiles(dir: string, o: ShrinkOutcome, names: { scenario: string; schedule: string } = shrunkFileNames): { scenario: string; schedule: string; replay: string } {
  mkdirSync(dir, { recursive: true });
  const scenario = join(dir, names.scenario);
  const schedule = join(dir, names.schedule);
  writeScenarioYaml(scenario, o.scenario, [
    `shrunk by faultline from ${o.source}, seed ${o.seed}: ${o.invariant} still fails`,
    `sizes before → after: steps ${o.before.steps} → ${o.after.steps}, devices ${o.before.devices} → ${o.after.devices}, events ${o.before.events} → ${o.after.events}, non-default choices ${o.before.choices} → ${o.after.choices}`,
    `replay: ${shrunkReplayLine(scenario, o.seed, schedule)}`,
  ]);
  writeScheduleFile(schedule, o.schedule);
  return { scenario, schedule, replay: shrunkReplayLine(scenario, o.seed, schedule) };
}

/** Keep a shrunk failure in the corpus; the same failure (same scenario and schedule) is one entry. */
export function addCorpusEntry(corpus: string, o: ShrinkOutcome): { dir: string; replay: string } {
  const name = `${o.scenario.name}-${o.invariant}-${o.schedule.scenario.hash.slice(0, 8)}-${o.traceHash.slice(0, 8)}`;
  const dir = join(corpus, name);
  const files = writeShrunkFiles(dir, o);
  const meta: CorpusMeta = {
    schema: corpusEntrySchema,
    version: 1,
    invariant: o.invariant,
    seed: o.seed,
    source: o.source,
    before: o.before,
    after: o.after,
    replay: files.replay,
    traceHash: o.traceHash,
  };
  writeFileSync(join(dir, shrunkFileNames.meta), `${JSON.stringify(meta, null, 2)}\n`);
  return { dir, replay: files.replay };
}

export interface CorpusEntryResult {
  entry: string;
  invariant: InvariantId;
  status: 'still fails' | 'now passes' | 'error';
  /** Where the recorded schedule stopped fitting (then the seed's strategy went on). */
  divergence?: Divergence;
  /** Invariants the replay violated. */
  failed: InvariantId[];
  error?: string;
}

/** The entries of a corpus folder (sub-folders with a meta.json), sorted by name. */
export function corpusEntries(corpus: string): string[] {
  if (!existsSync(corpus)) fail('FAULTLINE_CLI_OPTION', `--corpus ${excerpt(corpus)}: no such folder; explore --shrink --corpus DIR fills one`);
  return readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(corpus, d.name, shrunkFileNames.meta)))
    .map((d) => d.name)
    .sort();
}

/** Replay one corpus entry, continuing past a divergence with the seed's strategy. */
export async function replayCorpusEntry(corpus: string, entry: string): Promise<CorpusEntryResult> {
  const dir = join(corpus, entry);
  let invariant: InvariantId = 'I1';
  try {
    const meta = JSON.parse(readFileSync(join(dir, shrunkFileNames.meta), 'utf8')) as CorpusMeta;
    if (meta.schema !== corpusEntrySchema) fail('FAULTLINE_CORPUS_ENTRY', `${join(dir, shrunkFileNames.meta)}: schema must be '${corpusEntrySchema}'`);
    invariant = meta.invariant;
    const path = join(dir, shrunkFileNames.scenario);
    const { scenario } = loadScenario(path);
    const schedule = readScheduleFile(join(dir, shrunkFileNames.schedule));
    const report = await runNested(scenario, {
      runtime: 'sim',
      seed: schedule.seed,
      source: path,
      metrics: false,
      chains: 'never',
      choices: schedule.decoded,
      schedulePastEnd: 'default',
      onDiverge: 'seeded',
      ...(schedule.stopAtStep !== undefined ? { maxSteps: schedule.stopAtStep } : {}),
    });
    const failed = failedInvariants(report);
    return { entry, invariant, status: failed.includes(invariant) ? 'still fails' : 'now passes', failed, ...(report.divergence ? { divergence: report.divergence } : {}) };
  } catch (err) {
    return { entry, invariant, status: 'error', failed: [], error: err instanceof Error ? err.message : String(err) };
  }
}

/** One line per entry: "entry: I6 still fails" / "now passes", with the divergence when there was one. */
export function formatCorpusLine(r: CorpusEntryResult): string {
  const div = r.divergence ? `; ${describeDivergence(r.divergence)}, went on with the seed's strategy` : '';
  if (r.status === 'error') return `${r.entry}: error: ${r.error}`;
  return `${r.entry}: ${r.invariant} ${r.status}${div}`;
}
