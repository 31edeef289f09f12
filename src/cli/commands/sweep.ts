// `faultline sweep <scenario> --set path=v1,v2,...`: the grid of the swept values × seeds, one
// run each, and a table of every figure's mean and 95 % interval per point, with progress on a
// terminal (points done, runs per second, ETA; nothing when stderr is not a TTY or under CI).

import type { SweepProgress, SweepResult, SweepScenarioOptions } from '../../api/index.ts';
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

/** The table as text: one line per point, the swept values, then the headline figures. */
function formatSweep(r: SweepResult): string {
  const fmt = (m: { mean: number; ci95: number | null } | undefined, digits: number): string =>
    m === undefined || !Number.isFinite(m.mean) ? '—' : `${m.mean.toFixed(digits)}${m.ci95 === null ? '' : ` ±${m.ci95.toFixed(digits)}`}`;
  const head = [...r.parameters.map((p) => p.path), 'ok', 'faults/s', 'p99 µs', 'drop rate'];
  const rows = r.points.map((p) => [
    ...r.parameters.map((q) => p.values[q.path] ?? ''),
    `${p.okRuns}/${p.runs}`,
    fmt(p.figures.throughputPerSec, 0),
    fmt(p.figures.latencyNsP99 && { ...p.figures.latencyNsP99, mean: p.figures.latencyNsP99.mean / 1000, ci95: p.figures.latencyNsP99.ci95 === null ? null : p.figures.latencyNsP99.ci95 / 1000 }, 2),
    fmt(p.figures.dropRate, 4),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const runs = r.runs.length;
  const failed = r.runs.filter((x) => !x.ok).length;
  return [
    `sweep ${r.scenario} (${r.runtime}, ${r.seeds} seed${r.seeds === 1 ? '' : 's'} per point${r.fixed.length > 0 ? `; ${r.fixed.join(', ')}` : ''}): ${r.points.length} points, ${runs} runs in ${(r.wallMs / 1000).toFixed(1)} s`,
    '',
    line(head),
    ...rows.map(line),
    '',
    `mean ±95 % interval across seeds (Student t); ${failed === 0 ? 'every run passed its checks' : `${failed} of ${runs} runs failed a check or an invariant, or could not finish`}${r.interrupted ? '; interrupted: the points whose every seed ran are shown' : ''}`,
  ].join('\n');
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
  ],
  async run(argv, signal) {
    const { cliOptionName, sweepScenario } = await loadApi();
    const { positionals, values: v } = parseCommand('sweep', argv, options);
    if (positionals.length !== 1) fail('FAULTLINE_CLI_ARGS', `sweep takes one scenario, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}; see \`faultline scenarios\``);
    if (v.set === undefined) fail('FAULTLINE_CLI_ARGS', 'sweep needs at least one --set PATH=V1,V2,... to sweep (e.g. --set workload.inFlight=2,8,32)');
    const json = v.json as string | undefined;
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
    try {
      result = await sweepScenario(positionals[0]!, o, cliOptionName);
    } finally {
      bar.end();
    }
    const out = outputFor(json);
    out.text(formatSweep(result));
    if (o.out !== undefined) out.text(`outputs: ${o.out}/ (sweep.csv, sweep.json, report.html)`);
    out.json(result);
    if (result.interrupted) return 130;
    return result.runs.every((r) => r.ok) ? 0 : 1;
  },
};
