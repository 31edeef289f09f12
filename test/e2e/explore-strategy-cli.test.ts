import { describe, expect, it } from 'vitest';
import { cli, refused } from '../support/cli.ts';

describe('explore strategies on the command line', () => {
  it('refuses a bad strategy, depth, self-check period or time budget with the option and what would work', () => {
    refused(['explore', 'vprq-overflow', '--strategy', 'pcx'], /--strategy must be one of random, pct, pos, delay-bounded, swarm, portfolio; got 'pcx' \(did you mean 'pct'\?\)/);
    refused(['explore', 'vprq-overflow', '--strategy', 'swarm', '--depth', '2'], /--depth applies to pct, delay-bounded and portfolio only; got --strategy swarm/);
    refused(['explore', 'vprq-overflow', '--strategy', 'pct', '--depth', '0'], /--depth must be a whole number from 1 to 64; got '0'/);
    refused(['explore', 'vprq-overflow', '--check-determinism=0'], /--check-determinism must be a whole number from 1/);
    refused(['explore', 'vprq-overflow', '--time', 'soon'], /--time must be a duration above 0 such as 60s, 2m or 500ms; got 'soon'/);
    refused(['run', 'vprq-overflow', '--runtime', 'sim', '--strategy', 'pct'], /--strategy pct needs --steps-estimate K/);
    refused(['run', 'vprq-overflow', '--strategy', 'pos'], /--strategy applies to the simulator only/);
  });

  it('explores with pct and the self-check on, names the strategy, and its replay line reproduces the finding', () => {
    const r = cli(['explore', 'vprq-overflow', '--bug', 'vprq-drop-leaks-cookie', '--seeds', '2', '--strategy', 'pct', '--check-determinism', '--stop-at-first']);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/strategy pct \(steps estimate \d+\)/);
    expect(r.out).toMatch(/first failing seed: 1 \(strategy pct\)/);
    const line = /replay: (faultline run .*--strategy pct --depth 3 --steps-estimate \d+)$/m.exec(r.out)?.[1];
    expect(line, r.out).toBeDefined();
    const again = cli(['replay', line!]);
    expect(again.code, again.err).toBe(1);
    expect(again.out).toMatch(/^reproduced:/m);
  });
});
