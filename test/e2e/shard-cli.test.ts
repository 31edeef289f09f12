import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, refused } from '../support/cli.ts';

/** The wall-clock figures a merged run cannot reproduce: wallMs, and the seconds in the text's first line. */
const withoutWallMs = (text: string): unknown => JSON.parse(text, (k, v: unknown) => (k === 'wallMs' ? undefined : v));
const withoutSeconds = (text: string): string => text.replace(/, [\d.]+ s\n/, ', _ s\n').replace(/runs in [\d.]+ s/, 'runs in _ s');

describe('--shard and faultline merge on the command line', () => {
  it('refuses a bad shard, a shard without its result file, a shard with --out or --corpus, before anything runs', () => {
    refused(['explore', 'vprq-overflow', '--shard', '5/4', '--json', 'x.json'], /^faultline: FAULTLINE_CLI_OPTION: --shard 5\/4: shards are numbered 1\.\.4; got 5/);
    refused(['sweep', 'prq-overflow-mid-group', '--set', 'workload.inFlight=2,8', '--shard', '0/3', '--json', 'x.json'], /--shard 0\/3: shards are numbered 1\.\.3; got 0 \(a 0-based index/);
    refused(['explore', 'vprq-overflow', '--shard', '1-4'], /--shard 1-4: the form is i\/n/);
    refused(['explore', 'vprq-overflow', '--shard', '1/4'], /--shard 1\/4 needs --json FILE: the shard's result file/);
    // A shard's first failure need not be the run's: shrink the merged first failure instead.
    refused(
      ['explore', 'vprq-overflow', '--shard', '1/4', '--json', 'x.json', '--corpus', 'c'],
      /--corpus cannot be combined with --shard: a shard's first failure may not be the run's; merge the shards/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'faultline-shard-'));
    refused(
      ['sweep', 'prq-overflow-mid-group', '--set', 'workload.inFlight=2,8', '--shard', '1/2', '--json', join(dir, 's.json'), '--out', join(dir, 'o')],
      /--out .* with --shard 1\/2: .*faultline merge/,
    );
  });

  it('merge refuses no file, a missing file and a file that is no shard, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-merge-'));
    refused(['merge'], /merge takes the result files of every shard/);
    refused(['merge', join(dir, 'none.json')], /none\.json: cannot read it \(no such file\)/);
    writeFileSync(join(dir, 'plain.json'), '{"scenario":"vprq-overflow"}');
    refused(['merge', join(dir, 'plain.json')], /plain\.json: not a shard result file/);
    expect(cli(['merge', '--help']).out).toMatch(/^usage: faultline merge FILE\.\.\./);
  });

  it('two shards of a sweep merge into the unsharded sweep: text, --json and the --out files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-merge-'));
    const sweep = ['sweep', 'prq-overflow-mid-group', '--set', 'workload.inFlight=2,8', '--seeds', '2', '--duration-ms', '1', '--jobs', '1'];
    const whole = cli([...sweep, '--json', join(dir, 'whole.json'), '--out', join(dir, 'whole')]);
    expect(whole.code, whole.err).toBe(0);
    for (const i of [1, 2]) {
      const shard = cli([...sweep, '--shard', `${i}/2`, '--json', join(dir, `shard-${i}.json`)]);
      expect(shard.code, shard.err).toBe(0);
      expect(shard.out).toMatch(new RegExp(`shard ${i}/2: 2 of the 4 runs`));
    }
    const merged = cli(['merge', join(dir, 'shard-2.json'), join(dir, 'shard-1.json'), '--json', join(dir, 'merged.json'), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.err).toBe(0);
    expect(withoutSeconds(merged.out).replace(join(dir, 'merged'), 'OUT')).toBe(withoutSeconds(whole.out).replace(join(dir, 'whole'), 'OUT'));
    expect(withoutWallMs(readFileSync(join(dir, 'merged.json'), 'utf8'))).toEqual(withoutWallMs(readFileSync(join(dir, 'whole.json'), 'utf8')));
    for (const f of ['sweep.csv', 'report.html']) expect(readFileSync(join(dir, 'merged', f), 'utf8'), f).toBe(readFileSync(join(dir, 'whole', f), 'utf8'));
    expect(withoutWallMs(readFileSync(join(dir, 'merged', 'sweep.json'), 'utf8'))).toEqual(withoutWallMs(readFileSync(join(dir, 'whole', 'sweep.json'), 'utf8')));
  }, 120_000);

  it('three shards of an exploration with a bug merge into the unsharded exploration, exit 1 like it; --out is refused for explorations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-merge-'));
    const explore = ['explore', 'vprq-overflow', '--seeds', '5', '--bug', 'vprq-drop-leaks-cookie', '--jobs', '1'];
    const whole = cli([...explore, '--json', join(dir, 'whole.json')]);
    expect(whole.code, whole.err).toBe(1);
    const files = [1, 2, 3].map((i) => join(dir, `shard-${i}.json`));
    files.forEach((file, k) => {
      const shard = cli([...explore, '--shard', `${k + 1}/3`, '--json', file]);
      expect(shard.code, shard.err).toBe(1);
      expect(shard.out).toMatch(new RegExp(`verdict: FAIL \\(shard ${k + 1}/3, ${k < 2 ? 2 : 1} seeds\\)`));
    });
    refused(['merge', files[0]!, files[2]!], /shard 2\/3 missing/);
    refused(['merge', ...files, '--out', join(dir, 'o')], /--out .*: these are shards of an exploration/);
    const merged = cli(['merge', ...files, '--json', '-']);
    expect(merged.code, merged.err).toBe(1);
    expect(withoutSeconds(merged.err)).toBe(withoutSeconds(whole.out));
    expect(withoutWallMs(merged.out)).toEqual(withoutWallMs(readFileSync(join(dir, 'whole.json'), 'utf8')));
  }, 120_000);
});
