// `faultline explore <scenario>`: one deterministic run per seed, the findings per invariant
// and per mark, the first failing seed with its replay line, errors counted apart; the search
// strategy, the determinism self-check, a time budget, and progress on a terminal. With
// --shard i/n only that shard's seeds run and --json writes its result file for `faultline merge`.

import type { ExploreScenarioOptions } from '../../api/index.ts';
import { seedMax } from '../../api/constants.ts';
import { fail } from '../../util/errors.ts';
import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { checkOutputPath, outputFor } from '../output.ts';
import { scenarioOptions } from './run.ts';
import { exploreProgress } from './explore-progress.ts';

/** `--time 60s`, `2m`, `500ms` or plain seconds, in ms. */
function timeBudgetMs(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const ms = m === null ? Number.NaN : Number(m[1]) * { ms: 1, s: 1e3, m: 60e3, h: 3600e3 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(ms > 0)) fail('FAULTLINE_CLI_OPTION', `explore: --time must be a duration above 0 such as 60s, 2m or 500ms; got '${raw}'`);
  return ms;
}
import { shrinkOptions } from './shrink.ts';

const options = {
  seeds: { kind: 'int', value: 'N', min: 1, max: 1_000_000, help: 'run seeds 1..N (default 20)' },
  from: { kind: 'int', value: 'A', min: 0, max: seedMax, help: 'first seed (with --to)' },
  to: { kind: 'int', value: 'B', min: 0, max: seedMax, help: 'last seed' },
  ...scenarioOptions,
  jobs: { kind: 'int', value: 'N', min: 1, max: 64, help: 'parallel workers (Piscina); default 1 for up to 4 seeds, else up to 4' },
  'stop-at-first': { kind: 'flag', help: 'stop at the first failing seed' },
  shard: { kind: 'string', value: 'I/N', help: "run shard I of N only (1-based: seeds from+k with k mod N = I-1); --json FILE then writes the shard's result file for `faultline merge`" },
  strategy: {
    kind: 'string',
    value: 'S',
    choices: ['random', 'pct', 'pos', 'delay-bounded', 'swarm', 'portfolio'],
    help: 'how seeds search: portfolio (default: random, pct, swarm, pos and delay-bounded in turn), random, pct, pos, delay-bounded or swarm (fault knobs drawn per seed)',
  },
  depth: { kind: 'int', value: 'D', min: 1, max: 64, help: 'pct: bug depth d (d-1 priority change points, default 3); delay-bounded: most deviations k (default 2)' },
  'steps-estimate': { kind: 'int', value: 'K', min: 1, help: "pct, delay-bounded: steps to spread choices over (default: a first random run's step count)" },
  'check-determinism': { kind: 'int', value: '[=N]', min: 1, help: 'run every Nth seed twice (default 10) and stop, naming the first differing step, if the trace hashes differ' },
  time: { kind: 'string', value: 'T', help: 'time budget (60s, 2m): no seed starts after it; without --seeds, seeds run from 1 until it is spent' },
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
    'faultline explore vprq-overflow --seeds 200 --shard 3/4 --json shard-3.json   # then: faultline merge shard-*.json',
    `faultline explore ats-vs-atc-invalidate --bug atc-keeps-raced-translation --set 'iommu.atsLatencyNs={dist: lognormal, median: 800, sigma: 0.8}' --set 'guest.unmapEveryNs={dist: uniform, min: 20000, max: 400000}' --time 60s --stop-at-first`,
    'faultline explore flr-prgi-reuse --seeds 2 --bug vmm-prgi-only-match --stop-at-first --shrink --corpus corpus',
  ],
  async run(argv, signal) {
    const { checkShrinkOptions, cliOptionName, exploreOpenedScenario, exploreShardFile, exploreStrategyOf, formatExplore, formatShrink, openScenario, parseShard, seedRange, shrinkFailure } =
      await loadApi();
    // `--check-determinism` alone means every 10th seed: parseArgs wants a value, so give it one.
    const args = argv.map((a) => (a === '--check-determinism' ? '--check-determinism=10' : a));
    const { positionals, values: v } = parseCommand('explore', args, options);
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
      ...(v.strategy !== undefined ? { strategy: v.strategy as NonNullable<ExploreScenarioOptions['strategy']> } : {}),
      ...(v.depth !== undefined ? { depth: v.depth as number } : {}),
      ...(v['steps-estimate'] !== undefined ? { stepsEstimate: v['steps-estimate'] as number } : {}),
      ...(v['check-determinism'] !== undefined ? { checkDeterminism: v['check-determinism'] as number } : {}),
      ...(v.time !== undefined ? { timeMs: timeBudgetMs(v.time as string) } : {}),
    };
    const range = seedRange(o, cliOptionName);
    const shard = v.shard === undefined ? undefined : parseShard(v.shard as string, '--shard');
    exploreStrategyOf(o, cliOptionName);
    const json = v.json as string | undefined;
    if (shard !== undefined && v.time !== undefined) fail('FAULTLINE_CLI_OPTION', '--time cannot be combined with --shard: give each shard a seed range (--seeds N or --from A --to B) instead');
    if (shard !== undefined && json === undefined)
      fail('FAULTLINE_CLI_OPTION', `--shard ${v.shard as string} needs --json FILE: the shard's result file, which \`faultline merge\` joins with the other shards'`);
    if (json !== undefined) checkOutputPath('--json', json, true);
    const corpus = v.corpus as string | undefined;
    const shrinking = v.shrink === true || corpus !== undefined;
    const shrinkWith = {
      ...(corpus !== undefined ? { corpus } : { out: 'shrunk' }),
      ...(v.invariant !== undefined ? { invariant: v.invariant as 'I1' } : {}),
      ...(v['shrink-runs'] !== undefined ? { runsMax: v['shrink-runs'] as number } : {}),
      ...(v['shrink-ms'] !== undefined ? { wallMsMax: v['shrink-ms'] as number } : {}),
      ...(v['shrink-reseeds'] !== undefined ? { reseeds: v['shrink-reseeds'] as number } : {}),
    };
    if (shrinking && shard !== undefined)
      fail(
        'FAULTLINE_CLI_OPTION',
        `--${v.shrink === true ? 'shrink' : 'corpus'} cannot be combined with --shard: a shard's first failure may not be the run's; merge the shards, then shrink the merged first failure's replay line with faultline shrink`,
      );
    if (shrinking) checkShrinkOptions(shrinkWith, cliOptionName);
    const opened = openScenario(positionals[0], o, cliOptionName);
    const progress = exploreProgress(o.timeMs !== undefined && o.seeds === undefined && o.to === undefined ? undefined : range.to - range.from + 1, opened.scenario.marks);
    let result: Awaited<ReturnType<typeof exploreOpenedScenario>>;
    try {
      result = await exploreOpenedScenario(opened, range, { ...o, ...(shard !== undefined ? { shard } : {}), signal, onSeed: progress.seed });
    } finally {
      progress.end();
    }
    const out = outputFor(json);
    out.text(formatExplore(result));
    const first = result.firstFailure;
    const shrunk = shrinking && first !== null && !result.interrupted ? await shrinkFailure(first.replay, shrinkWith, cliOptionName) : undefined;
    if (shrunk) out.text(`\n${formatShrink(shrunk)}`);
    out.json(shard !== undefined ? exploreShardFile(opened.source, opened.scenario, range, o, result) : shrunk ? { ...result, shrunk } : result);
    if (shard !== undefined) out.text(`shard ${shard.index}/${shard.count}: result file ${json}; \`faultline merge\` joins it with the other shards'`);
    if (result.interrupted) return 130;
    if (result.errors > 0) return 2;
    return result.failing === 0 && result.missingMarks.length === 0 ? 0 : 1;
  },
};
