// `faultline replay <line>` and `faultline replay --record FILE`: re-run a reported failure
// and print every violation with its whole causal chain.

import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { checkOutputPath, outputFor } from '../output.ts';
import { scenarioOptions } from './run.ts';
import { fail } from '../../util/errors.ts';

const options = {
  record: { kind: 'string', value: 'FILE', help: 'a threaded run recorded with run --record FILE: replayed exactly, step for step (nothing else needed)' },
  runtime: { kind: 'string', value: 'sim', choices: ['sim'], help: 'sim only (a replay is always deterministic)' },
  seed: { kind: 'int', value: 'N', help: 'the seed of the run to replay' },
  ...scenarioOptions,
  schedule: {
    kind: 'string',
    value: 'FILE|S',
    help: 'a schedule file (from shrink, explore --shrink or --corpus; past its end every choice is 0) or recorded choices (base64url, run --record-schedule), replayed step for step',
  },
  continue: { kind: 'flag', help: "a schedule that stops fitting (changed code, a fixed bug) goes on with the seed's strategy, and the report says where it diverged" },
  corpus: { kind: 'string', value: 'DIR', help: 're-run every shrunk failure kept in DIR (explore --shrink --corpus DIR) as a regression suite' },
  strategy: { kind: 'string', value: 'S', choices: ['random', 'pct', 'pos', 'delay-bounded'], help: 'the ordering strategy of the run (a replay line of a pct, pos or delay-bounded finding has it)' },
  depth: { kind: 'int', value: 'D', min: 1, max: 64, help: 'pct bug depth d, or delay-bounded deviations k' },
  'steps-estimate': { kind: 'int', value: 'K', min: 1, help: 'pct, delay-bounded: steps their choices were spread over' },
  json: { kind: 'string', value: 'FILE', help: 'also write the report as JSON to FILE (- for stdout; the text then goes to stderr)' },
  ...helpOption,
} as const;

/** The words of a replay line without the command's own --json option. */
function withoutJson(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '--json') i++;
    else if (!words[i]!.startsWith('--json=')) out.push(words[i]!);
  }
  return out;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Re-run a reported run deterministically and print every violation with its causal chain.',
  usage: "faultline replay '<the replay line a report printed>' | <scenario> --seed N [--schedule FILE] [options] | --record FILE | --corpus DIR",
  about:
    'exit status: 1 when a violation or a failed check reproduces, 0 when the replayed run is clean, 2 bad usage or an error.\n--corpus DIR: one line per entry (still fails / now passes, and where its schedule diverged); exit 1 when any entry still fails,\n0 when every entry now passes, 2 when an entry could not be replayed.',
  options,
  examples: [
    "faultline replay 'faultline run vprq-overflow --runtime sim --seed 1 --duration-ms 1 --bug vprq-drop-leaks-cookie'",
    'faultline replay vprq-overflow --seed 1 --bug vprq-drop-leaks-cookie',
    'faultline replay --record run.flrec',
    'faultline replay repro/scenario.yaml --seed 1 --schedule repro/schedule.json',
    'faultline replay --corpus corpus',
  ],
  async run(argv, signal) {
    const { formatCorpusLine, formatReplay, parseReplayLine, replay, replayCorpus, replaySourceOf, replayWords } = await loadApi();
    // A replay line may come as one quoted argument, with `faultline run` and a note: its words first.
    const words = replayWords(argv);
    const { positionals, values: v } = parseCommand('replay', words, options);
    const json = v.json as string | undefined;
    if (json !== undefined) checkOutputPath('--json', json, true);
    const corpus = v.corpus as string | undefined;
    if (corpus !== undefined) {
      const others = Object.keys(v).filter((k) => k !== 'corpus' && k !== 'json' && v[k] !== undefined);
      if (positionals.length > 0 || others.length > 0)
        fail('FAULTLINE_CLI_ARGS', `replay --corpus DIR takes nothing else (each entry carries its scenario, seed and schedule); got ${[...positionals, ...others.map((k) => `--${k}`)].join(' ')}`);
      const out = outputFor(json);
      const result = await replayCorpus(corpus, (r) => out.text(formatCorpusLine(r)));
      out.text(
        `corpus ${corpus}: ${result.entries.length} entries, ${result.stillFailing} still fail, ${result.nowPassing} now pass${result.errors ? `, ${result.errors} could not be replayed` : ''}`,
      );
      out.json(result);
      if (result.errors > 0) return 2;
      return result.stillFailing > 0 ? 1 : 0;
    }
    const spec = parseReplayLine(withoutJson(words));
    signal.throwIfAborted();
    const report = await replay(spec);
    const out = outputFor(json);
    out.text(formatReplay(replaySourceOf(spec), report));
    out.json(report);
    return report.ok ? 0 : 1;
  },
};
