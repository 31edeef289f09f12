// The trace file of `workload.arrival: { process: trace, file }`: a CSV of the accesses to
// replay, one a line, `timeNs,device,pasid,address,access` — the run time in ns (whole,
// non-decreasing), the device by its scenario `name`, the PASID (empty: the device's RID-only
// space, which needs ridOnly: true), the address in bytes (0x… hex or decimal; its 4 KiB page
// must be below workload.pages) and r or w. A header line naming the columns, blank lines and
// lines starting with # are skipped. The loader resolves the file relative to the scenario
// file (an override's or an in-memory scenario's relative to the working directory), reads and
// checks it against the scenario before the run, each error as `file:line: ...`, and stores
// the absolute path in the scenario; derive.ts takes the rows from here (read once per file
// version) into the device tier's config.

import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fail } from '../util/errors.ts';
import { excerpt } from '../util/excerpt.ts';
import { didYouMean } from '../util/suggest.ts';
import type { Scenario } from './schema.ts';

/** One access of a trace, as written (device by its index in scenario.devices). */
export interface TraceRow {
  timeNs: number;
  device: number;
  pasid: number | null;
  page: number;
  write: boolean;
}

export const traceBytesMax = 256 * 1024 * 1024;
const columns = 'timeNs,device,pasid,address,access';
const filePath = 'scenario.workload.arrival.file';

/** The scenario with its trace file (if any) made absolute (against `baseDir`), read and checked. */
export function resolveTraceFile(s: Scenario, baseDir: string): Scenario {
  const a = s.workload.arrival;
  if (a.process !== 'trace') return s;
  const file = isAbsolute(a.file) ? a.file : resolve(baseDir, a.file);
  const out: Scenario = { ...s, workload: { ...s.workload, arrival: { process: 'trace', file } } };
  traceRows(out);
  return out;
}

/** The checked rows of the scenario's trace file (the scenario's file path must be absolute: resolveTraceFile). */
export function traceRows(s: Scenario): TraceRow[] {
  const a = s.workload.arrival;
  if (a.process !== 'trace') return [];
  return checkRows(s, a.file, readTrace(a.file));
}

interface ParsedRow {
  line: number;
  timeNs: number;
  device: string;
  pasid: number | null;
  address: number;
  write: boolean;
}

let cached: { file: string; mtimeMs: number; size: number; rows: ParsedRow[] } | undefined;

function readTrace(file: string): ParsedRow[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (err) {
    return fail(
      'FAULTLINE_SCENARIO_INVALID',
      `${filePath}: cannot read trace file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give a CSV file (${columns}), relative to the scenario file`,
      { path: filePath },
    );
  }
  if (!st.isFile()) fail('FAULTLINE_SCENARIO_INVALID', `${filePath}: trace file ${file} is not a regular file`, { path: filePath });
  if (st.size > traceBytesMax) fail('FAULTLINE_SCENARIO_INVALID', `${filePath}: trace file ${file} has ${st.size} bytes, more than ${traceBytesMax} (256 MiB)`, { path: filePath });
  if (cached !== undefined && cached.file === file && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.rows;
  const rows = parseTrace(readFileSync(file, 'utf8'), file);
  cached = { file, mtimeMs: st.mtimeMs, size: st.size, rows };
  return rows;
}

/** The CSV's rows, checked for form (not yet against the scenario). */
export function parseTrace(text: string, source: string): ParsedRow[] {
  const rows: ParsedRow[] = [];
  const lines = text.split(/\r?\n/);
  let lastNs = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const line = i + 1;
    if (raw === '' || raw.startsWith('#')) continue;
    const at = (what: string): never => fail('FAULTLINE_SCENARIO_INVALID', `${source}:${line}: ${what}`);
    const cells = raw.split(',').map((c) => c.trim());
    if (rows.length === 0 && /^[a-z_]/i.test(cells[0] ?? '') && cells[0]!.toLowerCase().startsWith('time')) continue; // the header
    if (cells.length !== 5) at(`expected 5 columns (${columns}), got ${cells.length}: ${JSON.stringify(excerpt(raw))}`);
    const [time, device, pasid, address, access] = cells as [string, string, string, string, string];
    if (!/^\d+$/.test(time) || !Number.isSafeInteger(Number(time))) at(`timeNs: expected a whole number of ns, got ${JSON.stringify(excerpt(time))}`);
    const timeNs = Number(time);
    if (timeNs < lastNs) at(`timeNs: ${timeNs} is before the previous row's ${lastNs}; rows must be in time order`);
    lastNs = timeNs;
    if (device === '') at('device: expected the name of a scenario device, got nothing');
    let pasidValue: number | null = null;
    if (pasid !== '') {
      const p = integer(pasid);
      if (p === undefined || p < 1 || p > 0xfffff) return at(`pasid: expected a PASID 1..0xfffff (hex 0x… or decimal) or nothing for RID-only, got ${JSON.stringify(excerpt(pasid))}`);
      pasidValue = p;
    }
    const addr = integer(address);
    if (addr === undefined) return at(`address: expected a byte address (hex 0x… or decimal), got ${JSON.stringify(excerpt(address))}`);
    if (access !== 'r' && access !== 'w') at(`access: expected r or w, got ${JSON.stringify(excerpt(access))}`);
    rows.push({ line, timeNs, device, pasid: pasidValue, address: addr, write: access === 'w' });
  }
  return rows;
}

function integer(text: string): number | undefined {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function checkRows(s: Scenario, file: string, rows: ParsedRow[]): TraceRow[] {
  const names = s.devices.map((d) => d.name);
  const pages = s.workload.pages;
  return rows.map((r) => {
    const at = (what: string): never => fail('FAULTLINE_SCENARIO_INVALID', `${file}:${r.line}: ${what}`);
    const device = names.indexOf(r.device);
    if (device < 0) {
      const named = names.filter((n) => n !== '');
      at(
        `device: no scenario device is named ${JSON.stringify(excerpt(r.device))}${didYouMean(r.device, named)}; ${named.length > 0 ? `named: ${named.join(', ')}` : 'give the devices names (devices[i].name)'}`,
      );
    }
    const d = s.devices[device]!;
    if (r.pasid === null && !d.ridOnly) at(`pasid: empty (RID only), but device ${d.name} is not ridOnly; give one of its PASIDs (${d.pasids.join(', ')})`);
    if (r.pasid !== null && !d.pasids.includes(r.pasid))
      at(`pasid: ${r.pasid} is not a PASID of device ${d.name}; it has ${d.pasids.length > 0 ? d.pasids.join(', ') : 'none'}${d.ridOnly ? ' (or empty for RID only)' : ''}`);
    const page = Math.floor(r.address / 4096);
    if (page >= pages) at(`address: 0x${r.address.toString(16)} is page ${page}, beyond the workload's ${pages} pages (workload.pages); use an address below 0x${(pages * 4096).toString(16)}`);
    return { timeNs: r.timeNs, device, pasid: r.pasid, page, write: r.write };
  });
}
