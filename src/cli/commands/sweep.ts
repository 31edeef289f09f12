// `faultline sweep <scenario> --set path=v1,v2,...`: the grid of the swept values × seeds, one
// run each, and a table of every figure's mean and 95 % interval per point, with progress on a
// terminal (points done, runs per second, ETA; nothing when stderr is not a TTY or under CI).
// With --shard i/n only that shard's runs happen and --json writes its result file for
// `faultline merge`.

import type { ShardFile, SweepProgress, SweepResult, SweepScenarioOptions } from '../../api/index.ts';
import { fail } from '../../util/errors.ts';
import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { checkOutputPath, liveProgress, outputFor } from '../output.ts';

const options = {
  set: { kind: 'list', value: 'PATH=V1,V2,...', help: 'sweep a scenario key over the values (repeatable: the grid is the cross product); one value overrides the key at every point' },
  seeds: { kind: 'int', value: 'N', min: 1, max: 1000, help: 'runs per point, seeds 1..N (default 3)' },
  jobs: { kind: 'int', value: 'K', min: 1, max: 64, help: 'sim: parallel workers (Piscina); default 1 for up to 4 runs, else up to 4' },
  runtime: { kind: 'string', value: 'R', choices: ['sim', 'threads'], help: 'sim (deterministic, the default) or threads (the points run one after another)' },
  'duration-ms': { kind: 'int', value: 'MS', help: 'how long the workload runs (scenario time; overrides durationMs)' },
  bug: { kind: 'list', value: 'NAME', help: 'turn on a bug toggle at every point (repeatable); see `faultline bugs`' },
  out: { kind: 'string', value: 'DIR', help: 'write sweep.csv, sweep.json and report.html (plots against the first swept key) into DIR (created when missing)' },
  json: { kind: 'string', value: 'FILE', help: 'also write the sweep as JSON to FILE (- for stdout; the text then goes to stderr)' },
  shard: { kind: 'string', value: 'I/N', help: "run shard I of N of the point x seed runs only (1-based, round robin); --json FILE then writes the shard's result file for `faultline merge`" },
  ...helpOption,
} as const;

/** Progress on stderr, rewritten in place: only on a terminal, never under CI. */
function progress(): { update(p: SweepProgress): void; end(): void } {
  const live = liveProgress();
  const t0 = performance.now();
  let shown = false;
  return {
    update(p) {
      if (!live) return;
      const s = (performance.now() - t0) / 1000;
      const rate = p.runs / Math.max(s, 1e-3);
      const eta = p.runs < p.runsTotal ? `, ETA ${Math.ceil((p.runsTotal - p.runs) / rate)} s` : '';
      process.stderr.write(`\r\u001b[Ksweep: ${p.points}/${p.pointsTotal} points, ${p.runs}/${p.runsTotal} runs, ${rate.toFixed(1)} runs/s${eta}`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'Run a scenario over a grid of --set values × seeds and tabulate throughput, latency, drops and queue occupancy per point.',
  usage: 'faultline sweep <scenario> --set PATH=V1,V2,... [--set PATH2=A,B]... [options]',
  about:
    'the grid is the cross product of the lists (the first outermost); each point × seed is one run (seeds 1..N). The table has, per point,\nthe mean and 95 % interval across seeds of every figure; --out DIR writes sweep.csv (one row per point), sweep.json (every run) and report.html (plots).\nexit status: 0 every run passed, 1 a run failed a check or could not finish, 2 bad usage, 130 interrupted (the points done are reported).',
  options,
  examples: [
    'faultline sweep prq-overflow-mid-group --set workload.inFlight=2,8,32 --seeds 2 --duration-ms 1',
    'faultline sweep prq-overflow-mid-group --set workload.inFlight=4,16 --set iommu.prqEntries=32,64,128 --seeds 5 --jobs 2 --out sweeps/prq',
    'faultline sweep prq-overflow-mid-group --set workload.inFlight=4,16 --seeds 5 --shard 2/3 --json shard-2.json   # then: faultline merge shard-*.json --out DIR',
  ],
  async run(argv, signal) {
    const { cliOptionName, formatSweep, parseShard, sweepScenario, sweepShard } = await loadApi();
    const { positionals, values: v } = parseCommand('sweep', argv, options);
    if (positionals.length !== 1) fail('FAULTLINE_CLI_ARGS', `sweep takes one scenario, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}; see \`faultline scenarios\``);
    if (v.set === undefined) fail('FAULTLINE_CLI_ARGS', 'sweep needs at least one --set PATH=V1,V2,... to sweep (e.g. --set workload.inFlight=2,8,32)');
    const json = v.json as string | undefined;
    const shard = v.shard === undefined ? undefined : parseShard(v.shard as string, '--shard');
    if (shard !== undefined && json === undefined)
      fail('FAULTLINE_CLI_OPTION', `--shard ${v.shard as string} needs --json FILE: the shard's result file, which \`faultline merge\` joins with the other shards'`);
    if (json !== undefined) checkOutputPath('--json', json, true);
    const bar = progress();
    const o: SweepScenarioOptions = {
      set: v.set as string[],
      ...(v.seeds !== undefined ? { seeds: v.seeds as number } : {}),
      ...(v.jobs !== undefined ? { jobs: v.jobs as number } : {}),
      ...(v.runtime !== undefined ? { runtime: v.runtime as 'sim' | 'threads' } : {}),
      ...(v['duration-ms'] !== undefined ? { durationMs: v['duration-ms'] as number } : {}),
      ...(v.bug !== undefined ? { bugs: v.bug as string[] } : {}),
      ...(v.out !== undefined ? { out: v.out as string } : {}),
      signal,
      onRun: (_run, p) => bar.update(p),
    };
    let result: SweepResult;
    let file: ShardFile | undefined;
    try {
      if (shard === undefined) result = await sweepScenario(positionals[0]!, o, cliOptionName);
      else {
        file = await sweepShard(positionals[0]!, { ...o, shard }, cliOptionName);
        result = file.result as SweepResult;
      }
    } finally {
      bar.end();
    }
    const out = outputFor(json);
    out.text(formatSweep(result));
    if (o.out !== undefined) out.text(`outputs: ${o.out}/ (sweep.csv, sweep.json, report.html)`);
    out.json(file ?? result);
    if (shard !== undefined) out.text(`shard ${shard.index}/${shard.count}: result file ${json}; \`faultline merge\` joins it with the other shards'`);
    if (result.interrupted) return 130;
    return result.runs.every((r) => r.ok) ? 0 : 1;
  },
};
