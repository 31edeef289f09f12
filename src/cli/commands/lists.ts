// `faultline scenarios` and `faultline bugs`: what ships, to start from.

import { fail } from '../../util/errors.ts';
import { helpOption, loadApi, type Command } from '../command.ts';
import { parseCommand } from '../options.ts';
import { outputFor } from '../output.ts';

const listOptions = {
  json: { kind: 'flag', help: 'print the list as JSON' },
  ...helpOption,
} as const;

function noArguments(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) fail('FAULTLINE_CLI_ARGS', `${command} takes no arguments; got ${positionals.join(' ')}`);
}

export const scenariosCommand: Command = {
  name: 'scenarios',
  summary: 'List the shipped scenarios with their descriptions.',
  usage: 'faultline scenarios [--json]',
  options: listOptions,
  examples: ['faultline scenarios', 'faultline run <name from the list> --runtime sim'],
  async run(argv) {
    const { listScenarios } = await loadApi();
    const { positionals, values } = parseCommand('scenarios', argv, listOptions);
    noArguments('scenarios', positionals);
    const list = listScenarios();
    if (values.json === true) outputFor('-').json(list);
    else outputFor(undefined).text(list.map((s) => `${s.name.padEnd(28)} ${s.description}`).join('\n'));
    return 0;
  },
};

export const bugsCommand: Command = {
  name: 'bugs',
  summary: 'List the bug toggles (historic races of the real stack), each with the shipped scenario that shows it.',
  usage: 'faultline bugs [--json]',
  options: listOptions,
  examples: ['faultline bugs', 'faultline run vprq-overflow --runtime sim --bug vprq-drop-leaks-cookie'],
  async run(argv) {
    const { bugToggles, mainlineBugs } = await loadApi();
    const { positionals, values } = parseCommand('bugs', argv, listOptions);
    noArguments('bugs', positionals);
    if (values.json === true) {
      outputFor('-').json({ toggles: bugToggles, mainline: mainlineBugs });
      return 0;
    }
    const lines: string[] = [];
    for (const b of bugToggles) {
      const how = b.shownBy;
      lines.push(`${b.name.padEnd(28)} ${b.race.padEnd(4)} ${b.tier.padEnd(6)} ${b.summary}`);
      lines.push(`${''.padEnd(41)}shows: faultline run ${how.scenario}${how.simOnly ? ' --runtime sim' : ''} --bug ${b.name}${how.with ? ` --bug ${how.with}` : ''}  (${how.invariants})`);
    }
    for (const b of mainlineBugs) {
      lines.push(`${'(mainline, no toggle)'.padEnd(28)} ${b.race.padEnd(4)} ${b.tier.padEnd(6)} ${b.summary}`);
      lines.push(`${''.padEnd(41)}shows: faultline run ${b.shownBy.scenario}${b.shownBy.simOnly ? ' --runtime sim' : ''}  (${b.shownBy.invariants}); a fix: scenario ${b.fix}`);
    }
    outputFor(undefined).text(lines.join('\n'));
    return 0;
  },
};
