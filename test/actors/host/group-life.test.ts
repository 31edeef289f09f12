// Regression guard for the host's machine state per page request group (issue 9) that times
// nothing: a finished group's state is reset for the next partial set (actors/host/group-life.ts),
// so the states made are bounded by the groups alive at once, not by the length of the run.

import { describe, expect, it } from 'vitest';
import { pageRespCode, pgfaultPerm } from '../../../src/protocol/iommufd.ts';
import { harness, withFaultHwpt } from './host-fixture.ts';

/** `groups` groups raised `inFlight` at a time, each read from the fault fd and answered by a write. */
function run(groups: number, inFlight: number) {
  const h = harness();
  const { fd } = withFaultHwpt(h);
  for (let first = 0; first < groups; first += inFlight) {
    for (let i = 0; i < inFlight; i++) h.triggerIopf({ devId: 1, pasid: 1, grpid: (first + i) % 512, perm: pgfaultPerm.READ, addr: 0x1000 });
    const records = h.read(fd, 40 * inFlight).records;
    expect(records).toHaveLength(inFlight);
    expect(
      h.write(
        fd,
        records.map((r) => ({ cookie: r.cookie, code: pageRespCode.SUCCESS })),
      ).ret,
    ).toBe(8 * inFlight);
    expect(h.takeResponses()).toHaveLength(inFlight);
  }
  return h;
}

describe('host group machines', () => {
  it('makes as many over 400 groups as over 100: one per group alive at once', () => {
    const short = run(100, 4);
    const long = run(400, 4);
    expect(long.state.life.finals).toEqual({ answered: 400 });
    expect(long.state.life.groups.size).toBe(0);
    expect(long.state.life.made).toBe(short.state.life.made);
    expect(long.state.life.made).toBe(4);
  });
});
