// Drives the host actor alone through its real surface: syscalls as ufd.call / ufd.writeRec
// (ioctl, read, write, close return {ret, out0, out1, records}), and page requests through
// the PRQ path (prq.desc + prq.irq, the host's register reads answered by a PRQ producer as
// the iommu would; context PRE changes are logged). Lets sequences like the kernel's iommufd fault selftests run as tests
// (test/kernel-selftest/). Synchronous and deterministic: a tiny in-memory ctx, no runtime.
//
// Where the harness differs from the selftest mock (drivers/iommu/iommufd/selftest.c):
// - a trigger goes through the VT-d PRQ and IRQ thread, not straight into
//   iommu_report_device_fault() as IOMMU_TEST_OP_TRIGGER_IOPF does; so the fault address is
//   page-aligned as VT-d reports it (intel/prq.c intel_prq_report: `desc->addr << VTD_PAGE_SHIFT`,
//   0xdeadbeaf reads back 0xdeadb000) where the mock passes it unchanged;
// - the record's flags are VT-d's (PASID_VALID | RESPONSE_NEEDS_PASID with a PASID), where the mock
//   sets LAST_PAGE and PASID_VALID only;
// - the mock's ops->user_pasid_table is an IOMMU property here (HostConfig.userPasidTable,
//   scenario iommu.userPasidTable): set it to run the selftest's PASID-on-RID-attach sequence.

import type { ActorCtx, MemView } from '../actor/define.ts';
import { hostActor } from '../../actors/host/host.actor.ts';
import type { HostState } from '../../actors/host/host-state.ts';
import { NO_PASID, pageResponseBytes, pgfaultBytes, pgfaultPerm, ufdOp } from '../protocol/iommufd.ts';
import { decodePageGroupResponse, decodePgfault, encodePageRequest, type PageGroupResponseFields, type PageRequestFields, type PgfaultRecord } from '../protocol/layouts.ts';
import type { Message, MessageByType } from '../protocol/messages.ts';
import { createPrqProducer, prqEnqueue, prqReadRegister, prqWriteRegister, type EnqueueResult, type PrqProducerState } from '../queues/prq-producer.ts';
import type { HostConfig } from '../config/tier-configs.ts';
import { FaultlineError } from '../util/errors.ts';
import { createRng, rngStateFrom } from '../util/rng.ts';

export interface CallResult {
  ret: number;
  out0: number;
  out1: number;
  records: PgfaultRecord[];
  /** The simulator-only ghost id each ufd.record carried, by record. */
  ghosts: number[];
}

export interface TriggerSpec {
  devId?: number;
  rid?: number;
  /** null or NO_PASID: a request without PASID. */
  pasid?: number | null;
  grpid: number;
  /** pgfaultPerm bits. */
  perm: number;
  /** The faulting address; the host reports it page-aligned, as VT-d does (see the header). */
  addr: number;
  /** Default true, as IOMMU_TEST_OP_TRIGGER_IOPF. */
  last?: boolean;
  /** Simulator-only ghost id the descriptor carries; default: a fresh one per request. */
  ghost?: number;
}

export interface HostHarness {
  state: HostState;
  prq: PrqProducerState;
  /** Page group responses the host sent to the iommu, decoded, in order (take with takeResponses). */
  responses: PageGroupResponseFields[];
  pollins: number[];
  /** Context PRE changes (cmd.ctxPri) the host sent to the iommu, in order (IOPF enable / disable). */
  ctxPri: { rid: number; enable: boolean }[];
  /** Every command (cmd.*) the host sent to the iommu, in order: page group responses and PRE changes interleaved. */
  commands: Message[];
  /** Register writes to unknown registers and read results for unknown registers. */
  registerErrors: number;
  ioctl(op: number, a0?: number, a1?: number, a2?: number, a3?: number): CallResult;
  read(fd: number, count: number): CallResult;
  write(fd: number, recs: { cookie: number; code: number }[], count?: number): CallResult;
  close(fd: number): CallResult;
  /** Offer one page request to the PRQ (descriptor and, when the producer raises one, the interrupt), without answering register reads. */
  enqueue(t: TriggerSpec): EnqueueResult;
  /** Answer the host's register reads and apply its writes until it goes quiet. */
  pump(): void;
  /** enqueue + pump. */
  triggerIopf(t: TriggerSpec): EnqueueResult;
  takeResponses(): PageGroupResponseFields[];
  send(msg: Message): void;
}

export function createHostHarness(cfg: HostConfig): HostHarness {
  const sent: { channel: string; msg: Message }[] = [];
  const ctx: ActorCtx = {
    self: 'host',
    send: (channel, msg) => (sent.push({ channel, msg }), true),
    now: () => 0,
    rng: createRng(rngStateFrom(1, 1)),
    mark: () => {},
    check: () => {},
    assert(cond, code, detail) {
      if (!cond) throw new FaultlineError(code, `assertion failed in 'host'${detail ? `: ${detail}` : ''}`);
    },
    timer: () => {
      throw new FaultlineError('FAULTLINE_HARNESS', 'the host harness has no timers');
    },
    mem: (region): MemView => {
      throw new FaultlineError('FAULTLINE_UNKNOWN_MEMORY', `no memory '${region}' in the host harness`);
    },
  };
  const state = hostActor.init(cfg, 'host');
  let seq = 0;
  let ghost = 0;
  const h: HostHarness = {
    state,
    prq: createPrqProducer(cfg.prqEntries),
    responses: [],
    pollins: [],
    ctxPri: [],
    commands: [],
    registerErrors: 0,
    send: (msg) => {
      hostActor.step(state, msg, ctx);
      drainToVmm();
    },
    ioctl: (op, a0 = 0, a1 = 0, a2 = 0, a3 = 0) => call(op, a0, a1, a2, a3),
    read: (fd, count) => call(ufdOp.READ, fd, count, 0, 0),
    write(fd, recs, count = recs.length * pageResponseBytes) {
      const s = ++seq;
      for (const r of recs) hostActor.step(state, { type: 'ufd.writeRec', seq: s, cookie: r.cookie, code: r.code }, ctx);
      return call(ufdOp.WRITE, fd, count, 0, 0, s);
    },
    close: (fd) => call(ufdOp.CLOSE, fd, 0, 0, 0),
    enqueue(t) {
      const words = encodePageRequest(requestOf(t));
      const r = prqEnqueue(h.prq, words, 'success');
      if (r.kind === 'queued') hostActor.step(state, { type: 'prq.desc', ...words, ghost: t.ghost ?? ++ghost }, ctx);
      if (r.raiseIrq) hostActor.step(state, { type: 'prq.irq' }, ctx);
      return r;
    },
    pump,
    triggerIopf(t) {
      const r = h.enqueue(t);
      pump();
      return r;
    },
    takeResponses: () => h.responses.splice(0),
  };

  function requestOf(t: TriggerSpec): PageRequestFields {
    const rid = t.rid ?? state.ufd.devices[t.devId ?? -1]?.rid;
    if (rid === undefined) throw new FaultlineError('FAULTLINE_HARNESS', `trigger: unknown dev_id ${t.devId}`);
    const pasidPresent = t.pasid !== undefined && t.pasid !== null && t.pasid !== NO_PASID;
    return {
      rid,
      pasidPresent,
      pasid: pasidPresent ? t.pasid! : 0,
      prgi: t.grpid,
      addr: t.addr,
      last: t.last ?? true,
      rd: (t.perm & pgfaultPerm.READ) !== 0,
      wr: (t.perm & pgfaultPerm.WRITE) !== 0,
      exe: (t.perm & pgfaultPerm.EXEC) !== 0,
      priv: (t.perm & pgfaultPerm.PRIV) !== 0,
    };
  }

  function pump(): void {
    for (let guard = 0; guard < 100_000; guard++) {
      const i = sent.findIndex((x) => x.channel === 'host->iommu');
      if (i < 0) {
        // Page requests cause no syscall replies; what reached the VMM here is poll readiness.
        drainToVmm();
        return;
      }
      const m = sent.splice(i, 1)[0]!.msg;
      if (m.type.startsWith('cmd.')) h.commands.push(m);
      if (m.type === 'mmio.read') {
        const value = prqReadRegister(h.prq, m.reg);
        if (value === null) h.registerErrors++;
        hostActor.step(state, { type: 'mmio.readResult', reg: m.reg, tag: m.tag, value: value ?? 0 }, ctx);
      } else if (m.type === 'mmio.write') {
        if (prqWriteRegister(h.prq, m.reg, m.value) !== 'ok') h.registerErrors++;
      } else if (m.type === 'cmd.pgResp') {
        h.responses.push(decodePageGroupResponse(m));
      } else if (m.type === 'cmd.ctxPri') {
        h.ctxPri.push({ rid: m.rid, enable: m.enable });
      }
    }
    throw new FaultlineError('FAULTLINE_HARNESS', 'the host did not go quiet');
  }

  function drainToVmm(): { records: PgfaultRecord[]; ghosts: number[]; rets: MessageByType<'ufd.ret'>[] } {
    const records: PgfaultRecord[] = [];
    const ghosts: number[] = [];
    const rets: MessageByType<'ufd.ret'>[] = [];
    for (const x of sent.filter((y) => y.channel === 'host->vmm')) {
      if (x.msg.type === 'ufd.record') {
        records.push(decodePgfault(x.msg));
        ghosts.push(x.msg.ghost);
      } else if (x.msg.type === 'ufd.ret') rets.push(x.msg);
      else if (x.msg.type === 'ufd.pollin') h.pollins.push(x.msg.fd);
    }
    sent.splice(0, sent.length, ...sent.filter((y) => y.channel !== 'host->vmm'));
    return { records, ghosts, rets };
  }

  function call(op: number, a0: number, a1: number, a2: number, a3: number, s = ++seq): CallResult {
    hostActor.step(state, { type: 'ufd.call', seq: s, op, a0: a0 >>> 0, a1: a1 >>> 0, a2: a2 >>> 0, a3: a3 >>> 0 }, ctx);
    const { records, ghosts, rets } = drainToVmm();
    const ret = rets.find((r) => r.seq === s);
    if (ret === undefined || rets.length !== 1) throw new FaultlineError('FAULTLINE_HARNESS', `syscall seq ${s}: expected one ufd.ret, got ${rets.length}`);
    // Any host->iommu traffic a syscall caused (auto-responses) is collected at once.
    pump();
    return { ret: ret.ret, out0: ret.out0, out1: ret.out1, records, ghosts };
  }

  return h;
}

export const RECORD_BYTES = pgfaultBytes;
