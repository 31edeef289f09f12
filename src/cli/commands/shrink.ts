// `faultline shrink '<replay line>'`: shrink a failing seed's run to a small scenario file and
// schedule file (src/explore/shrink/), print the sizes before → after and the replay command.

import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { checkOutputPath, outputFor } from '../output.ts';

export const shrinkOptions = {
  invariant: { kind: 'string', value: 'ID', choices: ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8'], help: 'the invariant that must keep failing (default: the first the run violates)' },
  'shrink-runs': { kind: 'int', value: 'N', min: 1, max: 100_000, help: 'candidate runs at most (default 400)' },
  'shrink-ms': { kind: 'int', value: 'MS', min: 1, max: 86_400_000, help: 'wall-clock time at most (default 60000)' },
  'shrink-reseeds': { kind: 'int', value: 'N', min: 0, max: 1000, help: 'other seeds a scenario cut is searched with when the failing schedule no longer fails on it (default 3; 0 keeps the seed)' },
  corpus: { kind: 'string', value: 'DIR', help: 'also keep the shrunk failure in this corpus folder (faultline replay --corpus DIR)' },
} as const;

const options = {
  out: { kind: 'string', value: 'DIR', help: 'where scenario.yaml and schedule.json go (default: shrunk)' },
  ...shrinkOptions,
  json: { kind: 'string', value: 'FILE', help: 'also write the result as JSON to FILE (- for stdout; the text then goes to stderr)' },
  ...helpOption,
} as const;

export const shrinkCommand: Command = {
  name: 'shrink',
  summary: 'Shrink a failing run to a small scenario and schedule that fail the same invariant, with one replay command.',
  usage: "faultline shrink '<the replay line of a failing seed>' [--out DIR] [options]",
  about:
    "Any strategy's finding (random, swarm, or a line with --strategy pct|pos|delay-bounded). The run is cut short where the\ninvariant fails, the scenario shrunk (shorter, fewer devices, PASIDs, events, smaller queues, features off, timing windows\nremoved or narrowed), then the schedule (ordering choices reset to the default 0, delay choices to their window's low end,\nthe delay choices dropped when it fails without them); every candidate is re-run and kept only when the same invariant\nstill fails. exit status: 1 the shrunk failure replays (as replay: the failure reproduces),\n2 bad usage, a line that does not fail, or a shrunk result that did not replay.",
  options,
  examples: [
    "faultline shrink 'faultline run prq-clear-pro-early --runtime sim --seed 1 --duration-ms 3 --bug clear-pro-early' --out repro",
    "faultline shrink 'faultline run flr-prgi-reuse --runtime sim --seed 1 --duration-ms 2 --bug vmm-prgi-only-match --strategy pos' --out repro",
  ],
  async run(argv, signal) {
    const { cliOptionName, formatShrink, replayWords, shrinkFailure } = await loadApi();
    const words = replayWords(argv);
    const own = new Set(Object.keys(options));
    // The line's own words and the command's options, told apart by name.
    const lineWords: string[] = [];
    const mine: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const name = /^--([^=]+)/.exec(words[i]!)?.[1];
      if (name !== undefined && own.has(name)) {
        mine.push(words[i]!);
        if (!words[i]!.includes('=') && options[name as keyof typeof options].kind !== 'flag' && i + 1 < words.length) mine.push(words[++i]!);
      } else lineWords.push(words[i]!);
    }
    const { values: v } = parseCommand('shrink', mine, options);
    const json = v.json as string | undefined;
    if (json !== undefined) checkOutputPath('--json', json, true);
    signal.throwIfAborted();
    const result = await shrinkFailure(
      lineWords.join(' '),
      {
        out: (v.out as string | undefined) ?? 'shrunk',
        ...(v.invariant !== undefined ? { invariant: v.invariant as 'I1' } : {}),
        ...(v['shrink-runs'] !== undefined ? { runsMax: v['shrink-runs'] as number } : {}),
        ...(v['shrink-ms'] !== undefined ? { wallMsMax: v['shrink-ms'] as number } : {}),
        ...(v['shrink-reseeds'] !== undefined ? { reseeds: v['shrink-reseeds'] as number } : {}),
        ...(v.corpus !== undefined ? { corpus: v.corpus as string } : {}),
      },
      cliOptionName,
    );
    const out = outputFor(json);
    out.text(formatShrink(result));
    out.json(result);
    return result.verified ? 1 : 2;
  },
};
