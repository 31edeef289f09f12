// The VMM's per-record objects, reused: the pgfault records a READ decodes (kept until the read
// returns and its groups are injected) and the response records a WRITE carries (kept until its
// result is handled) come from free lists and go back then. One object per record held at once
// instead of one per fault (issue 9); `*Made` counts the records ever made (the guard in
// test/actors/vmm/records.test.ts). Records a teardown drops from a queued WRITE are left to the
// GC: only the common ends of a record's life give it back.

import type { PgfaultRecord } from '../../src/protocol/layouts.ts';
import type { ResponseRecord } from './forwarded-faults.ts';
import type { VmmState } from './vmm-state.ts';
import { append } from '../../src/util/append.ts';

/** A decoded pgfault record with its group's simulator-only ghost id. */
export type ReadRecord = PgfaultRecord & { ghost: number };

export interface VmmRecordPool {
  reads: ReadRecord[];
  readsMade: number;
  responses: ResponseRecord[];
  responsesMade: number;
}

export function createVmmRecordPool(): VmmRecordPool {
  return { reads: [], readsMade: 0, responses: [], responsesMade: 0 };
}

/** A read record for group `ghost`, its other fields to be decoded into. */
export function newReadRecord(s: VmmState, ghost: number): ReadRecord {
  const r = s.records.reads.pop();
  if (r === undefined) {
    s.records.readsMade++;
    return { flags: 0, devId: 0, pasid: 0, grpid: 0, perm: 0, addr: 0, length: 0, cookie: 0, ghost };
  }
  r.ghost = ghost;
  return r;
}

/** The read returned and its records were injected: nothing refers to them any more; `list` is emptied. */
export function freeReadRecords(s: VmmState, list: ReadRecord[]): void {
  while (list.length > 0) append(s.records.reads, list.pop()!);
}

export function newResponseRecord(s: VmmState, cookie: number, code: number, ghost: number, fd: number, asid: number): ResponseRecord {
  const r = s.records.responses.pop();
  if (r === undefined) {
    s.records.responsesMade++;
    return { cookie, code, ghost, fd, asid };
  }
  r.cookie = cookie;
  r.code = code;
  r.ghost = ghost;
  r.fd = fd;
  r.asid = asid;
  return r;
}

/** The WRITE that carried `r` returned and its result was handled. */
export function freeResponseRecord(s: VmmState, r: ResponseRecord): void {
  append(s.records.responses, r);
}
