// The device's per-request records, reused: a PRG table entry (PrgGroup) per page request group
// and a translation per ATS request come from free lists and go back once the PRG Response or
// the ATS Completion was handled, as the entries of a device's fixed PRG and ATS tag tables
// are; a group's PRG machine state goes with its record. One allocation per record held at once instead of one per request (issue 9); `made`
// counts the records ever made (the guard in test/actors/device/records.test.ts).

import type { PrgInput } from '../../machines/prg.machine.ts';
import type { DeviceState, PrgGroup, Translation } from './device-state.ts';
import { prgExec } from './machines.ts';
import { append } from '../../src/util/append.ts';

const prgInput: PrgInput = { pagesTotal: 0 };

export interface DeviceRecordPool {
  groups: PrgGroup[];
  translations: Translation[];
  /** Every translation record made, free (live false) or outstanding: invalidate.ts walks the live ones. */
  translationsAll: Translation[];
  groupsMade: number;
  translationsMade: number;
}

export function createDeviceRecordPool(): DeviceRecordPool {
  return { groups: [], translations: [], translationsAll: [], groupsMade: 0, translationsMade: 0 };
}

/**
 * A group record with `waiters` empty and no PRGI yet (prg-table.ts insertGroup gives it one),
 * its PRG machine initial for `pages` pages: a reused record's machine state is reset in place.
 */
export function newPrgGroup(s: DeviceState, ghost: number, spaceIdx: number, firstPage: number, pages: number, write: boolean, sentAtNs: number): PrgGroup {
  // The machine's context function reads the input once and keeps nothing of it: one input object serves every group.
  prgInput.pagesTotal = pages;
  const g = s.pool.groups.pop();
  if (g === undefined) {
    s.pool.groupsMade++;
    return { prgi: -1, ghost, spaceIdx, firstPage, pages, write, sentAtNs, machine: prgExec.initial(prgInput), waiters: [] };
  }
  prgExec.reset(g.machine, prgInput);
  g.prgi = -1;
  g.ghost = ghost;
  g.spaceIdx = spaceIdx;
  g.firstPage = firstPage;
  g.pages = pages;
  g.write = write;
  g.sentAtNs = sentAtNs;
  return g;
}

/** The group left the PRG table and its response was handled. */
export function freePrgGroup(s: DeviceState, g: PrgGroup): void {
  while (g.waiters.length > 0) g.waiters.pop();
  append(s.pool.groups, g);
}

export function newTranslation(s: DeviceState, owner: number, spaceIdx: number, page: number, write: boolean): Translation {
  const t = s.pool.translations.pop();
  if (t === undefined) {
    s.pool.translationsMade++;
    const made: Translation = { owner, spaceIdx, page, write, stale: false, live: true };
    append(s.pool.translationsAll, made);
    return made;
  }
  t.owner = owner;
  t.spaceIdx = spaceIdx;
  t.page = page;
  t.write = write;
  t.stale = false;
  t.live = true;
  return t;
}

/** The translation left the tag table and its completion was handled. */
export function freeTranslation(s: DeviceState, t: Translation): void {
  t.live = false;
  append(s.pool.translations, t);
}
