// `faultline replay <line>`: re-runs a run deterministically from the replay line a report
// printed (`faultline run <scenario> --runtime sim --seed N --duration-ms D [--bug B]...`,
// possibly followed by a note in parentheses), or from the same arguments without the leading
// `faultline run`, optionally with `--schedule <base64url>` (a recorded choice list, replayed
// step for step instead of the seeded strategy). Prints every violation with its whole causal
// chain; the caller exits 1 when the failure reproduces and 0 when the run is clean.

import { bugToggles } from '../scenario/bugs.ts';
import { loadScenario } from '../scenario/load.ts';
import type { NestedReport } from '../report/nested-report.ts';
import { fmtNs } from '../report/format.ts';
import { FaultlineError } from '../util/errors.ts';
import { parseArgs, type OptionSpec } from './args.ts';
import { runNested } from './run-nested.ts';
import { replayRecordFile } from './recorded.ts';
import { writeFileSync } from 'node:fs';

export const replayOptions: Record<string, OptionSpec> = {
  runtime: { kind: 'string', help: 'sim only (a replay is always deterministic)', choices: ['sim'] },
  seed: { kind: 'int', help: 'the seed of the run to replay' },
  'duration-ms': { kind: 'int', help: 'the run\'s duration' },
  bug: { kind: 'list', help: 'bug toggles of the run (repeatable)' },
  schedule: { kind: 'string', help: 'a recorded schedule (base64url, from run --record-schedule) to replay step for step' },
  record: { kind: 'string', help: 'a threaded run recorded with run --record FILE: replayed exactly, step for step (nothing else needed)' },
  json: { kind: 'string', help: 'also write the report as JSON to this file' },
  help: { kind: 'flag', help: 'show this help' },
};

export interface ReplaySpec {
  scenario: string;
  seed: number;
  durationMs?: number;
  bugs: string[];
  schedule?: string;
  /** A recording file (run --runtime threads --record): replayed exactly. */
  record?: string;
  json?: string;
  help?: boolean;
}

/** The words of a replay line: one quoted argument or several; `faultline`, `run` and a trailing `(note)` dropped. */
export function replayWords(argv: string[]): string[] {
  let words = argv.flatMap((a) => a.trim().split(/\s+/)).filter((w) => w !== '');
  const note = words.findIndex((w) => w.startsWith('('));
  if (note >= 0) words = words.slice(0, note);
  if (words[0] === 'faultline' || words[0]?.endsWith('/faultline') || words[0]?.endsWith('faultline.mjs')) words = words.slice(1);
  if (words[0] === 'run' || words[0] === 'replay') words = words.slice(1);
  return words;
}

export function parseReplay(argv: string[]): ReplaySpec {
  const { positionals, options } = parseArgs(replayWords(argv), replayOptions);
  if (options.help) return { scenario: '', seed: 0, bugs: [], help: true };
  if (options.record !== undefined) {
    const others = Object.keys(options).filter((k) => k !== 'record' && k !== 'json');
    if (positionals.length > 0 || others.length > 0) {
      throw new FaultlineError('FAULTLINE_CLI_ARGS', `replay --record FILE takes nothing else but --json (the recording carries the scenario, seed and bugs); got ${[...positionals, ...others.map((k) => `--${k}`)].join(' ')}`);
    }
    return { scenario: '', seed: 0, bugs: [], record: options.record as string, ...(options.json !== undefined ? { json: options.json as string } : {}) };
  }
  if (positionals.length !== 1) {
    throw new FaultlineError('FAULTLINE_CLI_ARGS', `replay takes the replay line of a report (\`faultline run <scenario> --runtime sim --seed N ...\`); got ${positionals.length === 0 ? 'no scenario' : `several scenarios: ${positionals.join(' ')}`}`);
  }
  if (options.seed === undefined) throw new FaultlineError('FAULTLINE_CLI_ARGS', 'replay needs --seed N (the replay line a report prints has it)');
  const bugs = (options.bug as string[] | undefined) ?? [];
  for (const b of bugs) {
    if (!bugToggles.some((t) => t.name === b)) throw new FaultlineError('FAULTLINE_CLI_OPTION', `unknown bug toggle '${b}'; see \`faultline bugs\``);
  }
  return {
    scenario: positionals[0]!, seed: options.seed as number, bugs,
    ...(options['duration-ms'] !== undefined ? { durationMs: options['duration-ms'] as number } : {}),
    ...(options.schedule !== undefined ? { schedule: options.schedule as string } : {}),
    ...(options.json !== undefined ? { json: options.json as string } : {}),
  };
}

export async function runReplay(spec: ReplaySpec): Promise<NestedReport> {
  if (spec.record !== undefined) {
    const { report } = replayRecordFile(spec.record);
    if (spec.json !== undefined) writeFileSync(spec.json, `${JSON.stringify(report, (k, v: unknown) => (k === 'counts' ? undefined : v), 2)}\n`);
    return report;
  }
  const { scenario } = loadScenario(spec.scenario);
  if (spec.durationMs !== undefined) scenario.durationMs = spec.durationMs;
  scenario.bugs = [...new Set([...scenario.bugs, ...spec.bugs])];
  return runNested(scenario, {
    runtime: 'sim', seed: spec.seed, source: spec.scenario,
    ...(spec.schedule !== undefined ? { schedule: spec.schedule } : {}),
    ...(spec.json !== undefined ? { json: spec.json } : {}),
  });
}

/** What replay prints: the run, then every violation with its full causal chain, then the verdict. */
export function formatReplay(spec: ReplaySpec, r: NestedReport): string {
  const lines = spec.record !== undefined ? [
    `replay ${spec.record}: ${r.scenario} recorded on threads (${r.workers} workers), seed ${r.seed}, ${r.elapsedMs.toFixed(3)} ms wall`
      + `${r.checker ? `, ${r.checker.events} check events` : ''}; replayed exactly, stop: ${r.stopReason}`,
  ] : [
    `replay ${spec.scenario}: seed ${spec.seed}, ${r.elapsedMs.toFixed(3)} ms virtual${spec.bugs.length ? `, bugs: ${spec.bugs.join(', ')}` : ''}`
      + `${spec.schedule !== undefined ? ', recorded schedule' : ''}; trace hash ${r.traceHash ?? '?'}, stop: ${r.stopReason}`,
  ];
  const violations = r.checker?.violations ?? [];
  for (const v of violations) {
    lines.push('', `violation ${v.invariant}: ${v.message}`);
    if (v.ghosts.length) lines.push(`  ghosts: ${v.ghosts.join(', ')}`);
    lines.push(v.chain.length ? `  causal chain (oldest first, ${v.chain.length} events):` : '  causal chain: no events recorded for these ghosts');
    for (const e of v.chain) lines.push(`    #${e.seq}${e.timeNs >= 0 ? ` ${fmtNs(e.timeNs)}` : ''} ${e.actor}: ${e.text}`);
  }
  if ((r.checker?.violationsDropped ?? 0) > 0) lines.push(`  (${r.checker!.violationsDropped} further violation(s) found, not kept)`);
  const failed = r.checks.filter((c) => !c.ok);
  if (failed.length) {
    lines.push('', 'failed end-of-run checks');
    for (const c of failed) lines.push(`  FAIL ${c.name}: ${c.detail}`);
  }
  lines.push('');
  if (violations.length === 0 && failed.length === 0) {
    lines.push(spec.record !== undefined
      ? 'clean: the recorded run held every invariant and passed every check, and so did its exact replay'
      : 'clean: the replayed run held every invariant and passed every check (the failure does not reproduce)');
  }
  else lines.push(`reproduced: ${violations.length} violation(s)${failed.length ? `, ${failed.length} failed check(s)` : ''}`);
  return lines.join('\n');
}
