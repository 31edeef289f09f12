// `faultline merge FILE...`: the result files of every shard of one exploration or sweep
// (`--shard i/n --json FILE`) joined into the unsharded run's report: the same text, --json
// and (sweeps) --out files, and the same exit status as that run.

import { fail } from '../../util/errors.ts';
import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { checkOutputPath, outputFor } from '../output.ts';

const options = {
  json: { kind: 'string', value: 'FILE', help: "write the merged result as JSON to FILE, as the unsharded run's --json (- for stdout; the text then goes to stderr)" },
  out: { kind: 'string', value: 'DIR', help: 'sweeps: write sweep.csv, sweep.json and report.html into DIR (created when missing), as the unsharded sweep --out' },
  ...helpOption,
} as const;

export const mergeCommand: Command = {
  name: 'merge',
  summary: "Join the result files of every shard of one exploration or sweep (--shard i/n --json FILE) into the unsharded run's report.",
  usage: 'faultline merge FILE... [--json FILE|-] [--out DIR]',
  about:
    "the files must be the shards of one run: one kind (explore or sweep), one faultline version, the same scenario and options, every shard 1..n\nexactly once, none interrupted. exit status: as the unsharded run's (0 ok, 1 a failing seed, a missed mark or a failed run), 2 bad files or usage.",
  options,
  examples: ['faultline merge shard-1.json shard-2.json shard-3.json shard-4.json --json merged.json', 'faultline merge results/*.json --out sweeps/prq'],
  async run(argv) {
    const { checkOutDir, formatExplore, formatSweep, mergeResults, writeSweepOutputs } = await loadApi();
    const { positionals: files, values: v } = parseCommand('merge', argv, options);
    if (files.length === 0) fail('FAULTLINE_CLI_ARGS', 'merge takes the result files of every shard of one run (faultline explore|sweep … --shard i/n --json FILE); got none');
    const json = v.json as string | undefined;
    const dir = v.out as string | undefined;
    if (json !== undefined) checkOutputPath('--json', json, true);
    if (dir !== undefined) checkOutDir('--out', dir);
    const merged = mergeResults(files);
    if (merged.kind === 'explore' && dir !== undefined) fail('FAULTLINE_CLI_OPTION', `--out ${dir}: these are shards of an exploration, which writes no --out files; use --json FILE`);
    const out = outputFor(json);
    if (merged.kind === 'explore') {
      const r = merged.result;
      out.text(formatExplore(r));
      out.json(r);
      if (r.errors > 0) return 2;
      return r.failing === 0 && r.missingMarks.length === 0 ? 0 : 1;
    }
    const r = merged.result;
    if (dir !== undefined) writeSweepOutputs(r, dir);
    out.text(formatSweep(r));
    if (dir !== undefined) out.text(`outputs: ${dir}/ (sweep.csv, sweep.json, report.html)`);
    out.json(r);
    return r.runs.every((x) => x.ok) ? 0 : 1;
  },
};
