// Schedule files: a simulator run's scheduler choices kept in a small versioned JSON file, so
// a long schedule never goes on a command line (`faultline replay <scenario> --seed N
// --schedule FILE`). The file names the seed, the strategy the choices came from, the
// scenario (as named, and a hash of the resolved scenario so a replay against another one is
// noticed) and the choices as base64url varints (src/runtime/sim/choices.ts). Past its last
// choice a run continues with choice 0 and every windowed delay at its window's low end, the
// "default schedule": a shrunk schedule keeps only the prefix that matters.

import { readFileSync, writeFileSync } from 'node:fs';
import { decodeChoices, encodeChoices } from '../../runtime/sim/choices.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { FaultlineError, fail } from '../../util/errors.ts';
import { excerpt } from '../../util/excerpt.ts';
import { TraceHash } from '../../util/hash.ts';

export const scheduleSchema = 'faultline.schedule';
export const scheduleVersion = 1;

export interface ScheduleFile {
  schema: typeof scheduleSchema;
  version: typeof scheduleVersion;
  /** The scenario as it was named, and the hash of the resolved scenario (scenarioHash). */
  scenario: { source: string; hash: string };
  seed: number;
  /** The strategy that made the choices ('random' for a seed's run, 'shrunk' after shrinking). */
  strategy: string;
  /** Steps the recorded run took (the choices may be fewer: past them every choice is 0). */
  steps: number;
  /** The run stops after this many steps (a shrunk repro that needs no more); absent: it runs to its end. */
  stopAtStep?: number;
  /** The choices, base64url varints. */
  choices: string;
}

/** A hash of the resolved scenario, to notice a schedule replayed against another scenario. */
export function scenarioHash(s: Scenario): string {
  const h = new TraceHash();
  h.string(JSON.stringify(s));
  return h.hex();
}

/** Drop trailing zeros: past the end of a schedule file every choice is 0 anyway (a last delay that loses its low word reads it as 0: choices.ts delayOffsetAt). */
export function trimDefaultTail(choices: ArrayLike<number>): number[] {
  let n = choices.length;
  while (n > 0 && choices[n - 1] === 0) n--;
  return Array.from({ length: n }, (_, i) => choices[i]!);
}

export function scheduleFile(o: { scenario: Scenario; source: string; seed: number; strategy: string; steps: number; choices: ArrayLike<number>; stopAtStep?: number }): ScheduleFile {
  return {
    schema: scheduleSchema,
    version: scheduleVersion,
    scenario: { source: o.source, hash: scenarioHash(o.scenario) },
    seed: o.seed,
    strategy: o.strategy,
    steps: o.steps,
    ...(o.stopAtStep !== undefined ? { stopAtStep: o.stopAtStep } : {}),
    choices: encodeChoices(trimDefaultTail(o.choices)),
  };
}

export function writeScheduleFile(path: string, f: ScheduleFile): void {
  writeFileSync(path, `${JSON.stringify(f, null, 2)}\n`);
}

/** Read and check a schedule file; a bad one throws FAULTLINE_SCHEDULE_FILE naming the file and the key. */
export function readScheduleFile(path: string): ScheduleFile & { decoded: number[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return fail(
      'FAULTLINE_SCHEDULE_FILE',
      `--schedule ${excerpt(path, 200)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a schedule file written by explore --shrink, shrink or --corpus`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('FAULTLINE_SCHEDULE_FILE', `--schedule ${excerpt(path, 200)}: not JSON; a schedule file is the JSON that shrink writes (schema '${scheduleSchema}')`);
  }
  const f = doc as Partial<ScheduleFile>;
  const bad = (key: string, want: string): never =>
    fail('FAULTLINE_SCHEDULE_FILE', `--schedule ${excerpt(path, 200)}: ${key} must be ${want}; got ${excerpt(JSON.stringify((f as Record<string, unknown>)?.[key] ?? null))}`);
  if (typeof f !== 'object' || f === null) bad('the file', 'a JSON object');
  if (f.schema !== scheduleSchema) bad('schema', `'${scheduleSchema}'`);
  if (f.version !== scheduleVersion) bad('version', `${scheduleVersion} (this faultline reads version ${scheduleVersion})`);
  if (!Number.isSafeInteger(f.seed) || f.seed! < 0) bad('seed', 'a seed (a whole number ≥ 0)');
  if (!Number.isSafeInteger(f.steps) || f.steps! < 0) bad('steps', 'a whole number ≥ 0');
  if (f.stopAtStep !== undefined && !(Number.isSafeInteger(f.stopAtStep) && f.stopAtStep > 0)) bad('stopAtStep', 'a whole number > 0 or absent');
  if (typeof f.strategy !== 'string') bad('strategy', 'a strategy name');
  if (typeof f.scenario?.source !== 'string' || typeof f.scenario.hash !== 'string') bad('scenario', '{ source, hash }');
  if (typeof f.choices !== 'string') bad('choices', 'base64url text');
  try {
    return { ...(f as ScheduleFile), decoded: decodeChoices(f.choices!) };
  } catch (err) {
    return fail('FAULTLINE_SCHEDULE_FILE', `--schedule ${excerpt(path, 200)}: choices: ${err instanceof FaultlineError ? err.message.replace(/^FAULTLINE_[A-Z_]+: /, '') : String(err)}`);
  }
}

/** Whether a --schedule value is inline base64url choices (a file path has a '.' or a '/', which base64url never does). */
export const isInlineSchedule = (value: string): boolean => /^[A-Za-z0-9_-]*$/.test(value);
