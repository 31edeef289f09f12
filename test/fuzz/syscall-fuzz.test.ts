// Random iommufd syscall sequences on the host harness (issue 12): fault queues, hwpts,
// attach / replace / detach, page requests, reads, writes of read and made-up cookies, closes
// and destroys in any order. Conservation: every group the PRQ took is answered exactly once
// or still pending; no leaks: closing and tearing everything down at the end leaves no staged
// records, no pending group, nothing owed. Bounded in `npm test`; FAULTLINE_FUZZ_LONG=1 runs more.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hwptAllocFlag, pageRespCode, pgfaultPerm, ufdOp } from '../../src/protocol/iommufd.ts';
import { iopfPendingGroups } from '../../src/iopf/core.ts';
import { harness, RID1, RID2 } from '../actors/host/host-fixture.ts';

const long = process.env.FAULTLINE_FUZZ_LONG === '1';

const op = fc.oneof(
  fc.record({ k: fc.constant('alloc' as const) }),
  fc.record({ k: fc.constant('hwpt' as const), dev: fc.constantFrom(1, 2), fault: fc.boolean(), pick: fc.nat() }),
  fc.record({ k: fc.constantFrom('attach' as const, 'replace' as const), dev: fc.constantFrom(1, 2), pasid: fc.constantFrom(1, 2, 0xffffffff), pick: fc.nat() }),
  fc.record({ k: fc.constant('detach' as const), dev: fc.constantFrom(1, 2), pasid: fc.constantFrom(1, 2, 0xffffffff) }),
  fc.record({ k: fc.constant('fault' as const), space: fc.nat(2), grpid: fc.nat(511), last: fc.boolean() }),
  fc.record({ k: fc.constant('read' as const), pick: fc.nat(), n: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ k: fc.constant('write' as const), pick: fc.nat(), n: fc.integer({ min: 0, max: 3 }), junk: fc.boolean(), code: fc.constantFrom(pageRespCode.SUCCESS, pageRespCode.INVALID, 2) }),
  fc.record({ k: fc.constant('close' as const), pick: fc.nat() }),
  fc.record({ k: fc.constant('destroy' as const), pick: fc.nat() }),
  // A response record staged for a call long done (seq 1: the harness's first call) and never written.
  fc.record({ k: fc.constant('strayRec' as const) }),
);

describe('host syscall fuzz', () => {
  it(
    `conservation and no leaks over random syscall sequences (${long ? 2000 : 150} sequences)`,
    () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const h = harness([], 64);
          const faults: { id: number; fd: number }[] = [];
          const hwpts: number[] = [0];
          const cookies: number[] = [];
          /** Groups the PRQ took, by rid/pasid/prgi, until answered. */
          const owed = new Set<string>();
          const spaces = [
            { rid: RID1, pasid: 1 },
            { rid: RID1, pasid: 2 },
            { rid: RID2, pasid: null },
          ];
          const answered = () => {
            for (const r of h.takeResponses()) {
              const key = `${r.rid}/${r.pasidPresent ? r.pasid : '-'}/${r.prgi}`;
              // Answered exactly once: a response for a group not owed is a duplicate or made up.
              expect(owed.has(key), `response for ${key} not owed`).toBe(true);
              owed.delete(key);
            }
          };
          for (const o of ops) {
            switch (o.k) {
              case 'alloc': {
                const r = h.ioctl(ufdOp.FAULT_QUEUE_ALLOC);
                if (r.ret === 0) faults.push({ id: r.out0, fd: r.out1 });
                break;
              }
              case 'hwpt': {
                const f = faults[o.pick % Math.max(1, faults.length)];
                const r = h.ioctl(ufdOp.HWPT_ALLOC, o.dev, 0, o.fault && f ? hwptAllocFlag.FAULT_ID_VALID : 0, f?.id ?? 0);
                if (r.ret === 0) hwpts.push(r.out0);
                break;
              }
              case 'attach':
              case 'replace':
                h.ioctl(o.k === 'attach' ? ufdOp.ATTACH : ufdOp.REPLACE, o.dev, hwpts[o.pick % hwpts.length]!, o.pasid);
                break;
              case 'detach':
                h.ioctl(ufdOp.DETACH, o.dev, o.pasid);
                break;
              case 'fault': {
                const sp = spaces[o.space]!;
                const key = `${sp.rid}/${sp.pasid ?? '-'}/${o.grpid}`;
                if (owed.has(key)) break; // a device does not reuse a PRG index it still waits on
                const r = h.triggerIopf({ rid: sp.rid, pasid: sp.pasid, grpid: o.grpid, perm: pgfaultPerm.READ, addr: 0x1000 * (o.grpid + 1), last: o.last });
                if (r.kind !== 'queued') break;
                owed.add(key);
                if (!o.last) {
                  // A partial is owed nothing, unless no handler is attached: mainline answers every
                  // request then (io-pgfault.c err_bad_iopf), so it may be answered at once.
                  answered();
                  owed.delete(key);
                }
                break;
              }
              case 'read': {
                const f = faults[o.pick % Math.max(1, faults.length)];
                if (f) for (const rec of h.read(f.fd, 40 * o.n).records) cookies.push(rec.cookie);
                break;
              }
              case 'write': {
                const f = faults[o.pick % Math.max(1, faults.length)];
                if (!f) break;
                const recs = Array.from({ length: o.n }, (_, i) => ({ cookie: o.junk || cookies.length === 0 ? 1000 + i : cookies[(o.pick + i) % cookies.length]!, code: o.code }));
                h.write(f.fd, recs);
                break;
              }
              case 'close': {
                const f = faults[o.pick % Math.max(1, faults.length)];
                if (f) h.close(f.fd);
                break;
              }
              case 'destroy':
                h.ioctl(ufdOp.DESTROY, [...hwpts, ...faults.map((f) => f.id)][o.pick % (hwpts.length + faults.length)]!);
                break;
              case 'strayRec':
                h.send({ type: 'ufd.writeRec', seq: 1, cookie: 1, code: 0 });
                break;
            }
            answered();
          }
          // Tear everything down: detach every space, close every fd, destroy every object.
          for (const dev of [1, 2]) for (const pasid of [1, 2, 0xffffffff]) h.ioctl(ufdOp.DETACH, dev, pasid);
          for (const f of faults) h.close(f.fd);
          for (const id of [...hwpts.slice(1), ...faults.map((f) => f.id)]) h.ioctl(ufdOp.DESTROY, id);
          answered();
          expect(owed.size, `groups never answered: ${[...owed].join(', ')}`).toBe(0);
          expect(iopfPendingGroups(h.state.core)).toBe(0);
          expect(h.state.ufd.writeRecs.size).toBe(0);
          expect(h.state.inv.calls.size).toBe(0);
        }),
        { numRuns: long ? 2000 : 150, seed: long ? Date.now() : 56 },
      );
    },
    long ? 3_600_000 : 60_000,
  );
});
