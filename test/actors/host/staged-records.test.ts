// Records staged ahead of a syscall (ufd.writeRec for a WRITE, ufd.invEntry for a
// HWPT_INVALIDATE) that never became that call (issue 12: 8 729 were left in the host's table
// across the syscall fuzz): the next syscall drops and counts them, since the VMM's calls go
// one at a time in seq order and no later call reads an earlier call's buffer.

import { describe, expect, it } from 'vitest';
import { pageRespCode, pgfaultPerm, ufdOp } from '../../../src/protocol/iommufd.ts';
import { harness, withFaultHwpt } from './host-fixture.ts';

describe('staged syscall records', () => {
  it('a writeRec with no following write is dropped and counted at the next syscall, and the write after it is unaffected', () => {
    const h = harness();
    const { fd } = withFaultHwpt(h);
    h.triggerIopf({ devId: 1, pasid: 1, grpid: 1, perm: pgfaultPerm.READ, addr: 0x1000 });
    const cookie = h.read(fd, 40).records[0]!.cookie;
    // Staged for seq 1, a call that is long done: no WRITE will ever read it.
    h.send({ type: 'ufd.writeRec', seq: 1, cookie, code: pageRespCode.SUCCESS });
    h.send({ type: 'ufd.invEntry', seq: 1, addrLo: 0, addrHi: 0, npages: 1, flags: 0 });
    expect([...h.state.ufd.writeRecs.keys()]).toEqual([1]);
    const ignoredBefore = h.state.stats.writeRecsIgnored;
    expect(h.ioctl(ufdOp.FAULT_QUEUE_ALLOC).ret).toBe(0);
    expect(h.state.ufd.writeRecs.size).toBe(0);
    expect(h.state.inv.entries.size).toBe(0);
    expect(h.state.stats.writeRecsIgnored).toBe(ignoredBefore + 1);
    expect(h.state.inv.n.entriesIgnored).toBe(1);
    // The group is still owed and a real write answers it.
    expect(h.write(fd, [{ cookie, code: pageRespCode.SUCCESS }]).ret).toBe(8);
    expect(h.takeResponses()).toHaveLength(1);
    expect(h.state.ufd.writeRecs.size).toBe(0);
  });
});
