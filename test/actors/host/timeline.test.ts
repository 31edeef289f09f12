// The host's timeline actions (actors/host/timeline.ts): removeDevice / flr run
// iopf_queue_remove_device (pending groups Invalid, partials freed), then the function reset
// in command order; a late user response to a removed group does nothing; vfResponseFailure
// makes the core answer the function's next group with Response Failure.

import { describe, expect, it } from 'vitest';
import { createHostHarness } from '../../../src/harness/host-harness.ts';
import { pgfaultPerm } from '../../../src/protocol/iommufd.ts';
import { prgCode } from '../../../src/protocol/iopf.ts';
import type { TimelineEvent } from '../../../src/config/timeline.ts';
import { hostConfig, RID1, withFaultHwpt } from './host-fixture.ts';

const R = pgfaultPerm.READ;
const ev = (action: TimelineEvent['action'], rid: number, count = 1): TimelineEvent => ({ atNs: 0, action, rid, pasid: null, count });

describe('host timeline: device removal', () => {
  it("answers the function's pending groups Invalid (read or not), frees its partials, then resets it after the responses", () => {
    const h = createHostHarness({ ...hostConfig(), events: [ev('removeDevice', RID1)] });
    const { fd } = withFaultHwpt(h, 1);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    const read = h.read(fd, 40);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 3, perm: R, addr: 0x3000, last: false });
    h.takeResponses();
    h.commands.length = 0;
    h.send({ type: 'host.event', index: 0 });
    h.pump();
    expect(h.takeResponses().map((r) => [r.prgi, r.code])).toEqual([
      [1, prgCode.INVALID],
      [2, prgCode.INVALID],
    ]);
    expect(h.commands.map((c) => c.type)).toEqual(['cmd.ctxPri', 'cmd.pgResp', 'cmd.pgResp', 'cmd.devReset']);
    expect(h.commands.at(-1)).toMatchObject({ rid: RID1, remove: true });
    expect(h.state.timeline.n).toMatchObject({ removals: 1, groupsAnsweredOnRemove: 2, partialsFreedOnRemove: 1 });
    expect(h.state.core.stats.removeAnsweredInvalid).toBe(2);
    // The unread group is gone from the fault fd; the read one's late answer is consumed and sends nothing.
    expect(h.read(fd, 400).records).toEqual([]);
    expect(h.write(fd, [{ cookie: read.records[0]!.cookie, code: 0 }]).ret).toBe(8);
    expect(h.takeResponses()).toEqual([]);
    expect(h.state.core.stats.duplicateResponsesDropped).toBe(0);
    expect(h.state.timeline.n.lateResponsesAfterRemove).toBe(1);
  });
});

describe('host timeline: core failure (vfResponseFailure)', () => {
  it("answers the function's next `count` groups Response Failure instead of delivering them, then delivers again", () => {
    const h = createHostHarness({ ...hostConfig(), events: [ev('vfResponseFailure', RID1, 1)] });
    const { fd } = withFaultHwpt(h, 1);
    h.send({ type: 'host.event', index: 0 });
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: R, addr: 0x1000 });
    expect(h.takeResponses().map((r) => [r.prgi, r.code])).toEqual([[1, prgCode.FAILURE]]);
    expect(h.read(fd, 400).records).toEqual([]);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 2, perm: R, addr: 0x2000 });
    expect(h.takeResponses()).toEqual([]);
    expect(h.read(fd, 400).records.map((r) => r.grpid)).toEqual([2]);
    expect(h.state.timeline.n.coreFailures).toBe(1);
    expect(h.state.life.groups.size).toBe(1);
  });
});
