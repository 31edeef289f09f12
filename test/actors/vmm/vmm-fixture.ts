// Shared fixture for the vmm tier tests: a small config, a scripted host side for the
// iommufd syscalls, and record/response builders.

import { vmmActor } from '../../../actors/vmm/vmm.actor.ts';
import type { VmmState } from '../../../actors/vmm/vmm-state.ts';
import type { Inbound } from '../../../src/actor/define.ts';
import { pgfaultFlag, pgfaultPerm } from '../../../src/protocol/iommufd.ts';
import { encodePageGroupResponse, encodePgfault, type PgfaultRecord } from '../../../src/protocol/layouts.ts';
import type { Message, MessageByType } from '../../../src/protocol/messages.ts';
import type { VmmConfig } from '../../../src/config/tier-configs.ts';
import { fakeCtx, type FakeCtx } from '../../support/fake-ctx.ts';

export const FAULT_ID = 30;
export const FAULT_FD = 9;
export const HWPT_BASE = 40;

export function vmmConfig(over: Partial<VmmConfig> = {}): VmmConfig {
  return {
    spaces: [
      { asid: 0, rid: 0x100, pasid: 7, devId: 1, vrid: 0x10, vpasid: 7, mappablePages: 8 },
      { asid: 1, rid: 0x200, pasid: null, devId: 2, vrid: 0x18, vpasid: null, mappablePages: 8 },
    ],
    functions: [],
    readBatchRecords: 100,
    vprqEntries: 8,
    guestFailureMapsTo: 'invalid',
    vprqOverflowResponse: 'success',
    bugs: [],
    ...over,
  };
}

export interface VmmRig {
  s: VmmState;
  ctx: FakeCtx;
  send(msg: Inbound): void;
  /** The last ufd.call sent (and clears the vmm->host log). */
  lastCall(): MessageByType<'ufd.call'>;
  /** Answer the call in flight. */
  ret(ret: number, out0?: number, out1?: number): void;
  /** Start and complete setup with every call succeeding. */
  setUp(): void;
  /** pollin, answer the resulting read with these records (ghost ids: `ghosts[i]`, default 0), then the follow-up read with nothing. */
  deliver(records: PgfaultRecord[], ghosts?: number[]): void;
}

export function vmmRig(over: Partial<VmmConfig> = {}): VmmRig {
  const s = vmmActor.init(vmmConfig(over), 'vmm');
  const ctx = fakeCtx({ self: 'vmm' });
  const r: VmmRig = {
    s,
    ctx,
    send: (msg) => vmmActor.step(s, msg, ctx),
    lastCall() {
      const calls = ctx.take('vmm->host').filter((m): m is MessageByType<'ufd.call'> => m.type === 'ufd.call');
      if (calls.length === 0) throw new Error('no ufd.call was sent');
      return calls.at(-1)!;
    },
    ret(ret, out0 = 0, out1 = 0) {
      r.send({ type: 'ufd.ret', seq: s.inFlight!.seq, ret, out0, out1 });
    },
    setUp() {
      r.send({ type: 'sys.start' });
      r.ret(0, FAULT_ID, FAULT_FD);
      let hwpt = HWPT_BASE;
      while (s.setup === 'running') r.ret(0, hwpt++);
      ctx.take();
    },
    deliver(records, ghosts = []) {
      r.send({ type: 'ufd.pollin', fd: FAULT_FD });
      const seq = s.inFlight!.seq;
      records.forEach((rec, i) => r.send({ type: 'ufd.record', seq, ...encodePgfault(rec), ghost: ghosts[i] ?? 0 }));
      r.send({ type: 'ufd.ret', seq, ret: records.length * 40, out0: 0, out1: 0 });
      // A read that returned records is followed by another: the deliver list is empty now.
      if (s.inFlight?.purpose.kind === 'read') r.ret(0);
    },
  };
  return r;
}

export function record(over: Partial<PgfaultRecord> = {}): PgfaultRecord {
  return {
    flags: pgfaultFlag.PASID_VALID | pgfaultFlag.LAST_PAGE,
    devId: 1,
    pasid: 7,
    grpid: 5,
    perm: pgfaultPerm.READ,
    addr: 0x3000,
    length: 0,
    cookie: 1,
    ...over,
  };
}

export function guestResp(vrid: number, vpasid: number | null, prgi: number, code: number): MessageByType<'vcmd.pgResp'> {
  return { type: 'vcmd.pgResp', ...encodePageGroupResponse({ rid: vrid, pasidPresent: vpasid !== null, pasid: vpasid ?? 0, prgi, code }) };
}

/** The (cookie, code) records of the writes sent, each with its WRITE call's byte count. */
export function writesIn(msgs: Message[]): { records: [number, number][]; count: number }[] {
  const out: { records: [number, number][]; count: number }[] = [];
  let pending: [number, number][] = [];
  for (const m of msgs) {
    if (m.type === 'ufd.writeRec') pending.push([m.cookie, m.code]);
    if (m.type === 'ufd.call' && m.op === 8) {
      out.push({ records: pending, count: m.a1 });
      pending = [];
    }
  }
  return out;
}
