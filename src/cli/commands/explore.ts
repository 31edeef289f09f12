// `faultline explore <scenario>`: one deterministic run per seed, the findings per invariant
// and per mark, the first failing seed with its replay line, errors counted apart.

import type { ExploreScenarioOptions } from '../../api/index.ts';
import { seedMax } from '../../api/constants.ts';
import { fail } from '../../util/errors.ts';
import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { checkOutputPath, outputFor } from '../output.ts';
import { scenarioOptions } from './run.ts';
import { shrinkOptions } from './shrink.ts';

const options = {
  seeds: { kind: 'int', value: 'N', min: 1, max: 1_000_000, help: 'run seeds 1..N (default 20)' },
  from: { kind: 'int', value: 'A', min: 0, max: seedMax, help: 'first seed (with --to)' },
  to: { kind: 'int', value: 'B', min: 0, max: seedMax, help: 'last seed' },
  ...scenarioOptions,
  jobs: { kind: 'int', value: 'N', min: 1, max: 64, help: 'parallel workers (Piscina); default 1 for up to 4 seeds, else up to 4' },
  'stop-at-first': { kind: 'flag', help: 'stop at the first failing seed' },
  shrink: { kind: 'flag', help: 'shrink the first failing seed (as faultline shrink) into scenario.yaml + schedule.json in the folder shrunk (or the corpus)' },
  ...shrinkOptions,
  json: { kind: 'string', value: 'FILE', help: 'also write the per-seed summaries as JSON to FILE (- for stdout; the text then goes to stderr)' },
  ...helpOption,
} as const;

export const exploreCommand: Command = {
  name: 'explore',
  summary: 'Run a scenario in the deterministic simulator once per seed and report which seeds break which invariant.',
  usage: 'faultline explore <scenario> [--seeds N | --from A --to B] [options]',
  about:
    'exit status: 0 every seed held every invariant and the required marks were reached, 1 a seed failed or a mark was missed,\n2 bad usage or a seed could not finish (an actor threw: an error, never a finding), 130 interrupted (the seeds run so far are reported).',
  options,
  examples: [
    'faultline explore prq-clear-pro-early --seeds 20 --bug clear-pro-early --stop-at-first',
    'faultline explore vprq-overflow --from 100 --to 199 --jobs 2 --json seeds.json',
    'faultline explore flr-prgi-reuse --seeds 2 --bug vmm-prgi-only-match --stop-at-first --shrink --corpus corpus',
  ],
  async run(argv, signal) {
    const { checkShrinkOptions, cliOptionName, exploreOpenedScenario, formatExplore, formatShrink, openScenario, seedRange, shrinkFailure } = await loadApi();
    const { positionals, values: v } = parseCommand('explore', argv, options);
    if (positionals.length !== 1) fail('FAULTLINE_CLI_ARGS', `explore takes one scenario, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}; see \`faultline scenarios\``);
    const o: ExploreScenarioOptions = {
      ...(v.seeds !== undefined ? { seeds: v.seeds as number } : {}),
      ...(v.from !== undefined ? { from: v.from as number } : {}),
      ...(v.to !== undefined ? { to: v.to as number } : {}),
      ...(v.jobs !== undefined ? { jobs: v.jobs as number } : {}),
      ...(v['stop-at-first'] === true ? { stopAtFirst: true } : {}),
      ...(v['duration-ms'] !== undefined ? { durationMs: v['duration-ms'] as number } : {}),
      ...(v.bug !== undefined ? { bugs: v.bug as string[] } : {}),
      ...(v.set !== undefined ? { set: v.set as string[] } : {}),
    };
    const range = seedRange(o, cliOptionName);
    const json = v.json as string | undefined;
    if (json !== undefined) checkOutputPath('--json', json, true);
    const corpus = v.corpus as string | undefined;
    const shrinking = v.shrink === true || corpus !== undefined;
    const shrinkWith = {
      ...(corpus !== undefined ? { corpus } : { out: 'shrunk' }),
      ...(v.invariant !== undefined ? { invariant: v.invariant as 'I1' } : {}),
      ...(v['shrink-runs'] !== undefined ? { runsMax: v['shrink-runs'] as number } : {}),
      ...(v['shrink-ms'] !== undefined ? { wallMsMax: v['shrink-ms'] as number } : {}),
    };
    if (shrinking) checkShrinkOptions(shrinkWith, cliOptionName);
    const opened = openScenario(positionals[0], o, cliOptionName);
    const result = await exploreOpenedScenario(opened, range, { ...o, signal });
    const out = outputFor(json);
    out.text(formatExplore(result));
    const first = result.firstFailure;
    const shrunk = shrinking && first !== null && !result.interrupted ? await shrinkFailure(first.replay, shrinkWith, cliOptionName) : undefined;
    if (shrunk) out.text(`\n${formatShrink(shrunk)}`);
    out.json(shrunk ? { ...result, shrunk } : result);
    if (result.interrupted) return 130;
    if (result.errors > 0) return 2;
    return result.failing === 0 && result.missingMarks.length === 0 ? 0 : 1;
  },
};
