// The recording file: gzip of
//
//   8 bytes   magic "FLTREC\n\0"
//   4 bytes   little-endian length of the JSON header
//   JSON      { format, meta, run } — run is the RunRecording without its byte streams, plus
//             `blobs`: the byte length of each stream in the order they follow
//   streams   worker 0 steps, worker 0 mem, worker 1 steps, ..., then the check-event order
//
// `meta` is the caller's (the CLI puts the resolved scenario, seed, bugs, machines mode and
// worker grouping there), so a file replays with nothing else. Owns only the container.

import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fail } from '../../util/errors.ts';
import type { RunRecording } from './recording.ts';

export const recordFormatVersion = 2;
const magic = 'FLTREC\n\0';

export interface RecordFile<M> {
  format: number;
  meta: M;
  run: RunRecording;
}

export function encodeRecordFile<M>(file: RecordFile<M>): Uint8Array {
  const { workers, checkOrder, ...rest } = file.run;
  const blobs = [...workers.flatMap((w) => [w.steps, w.mem]), checkOrder];
  const header = new TextEncoder().encode(JSON.stringify({ format: file.format, meta: file.meta, run: { ...rest, workers: workers.length, blobs: blobs.map((b) => b.length) } }));
  const head = new Uint8Array(12);
  head.set(new TextEncoder().encode(magic), 0);
  new DataView(head.buffer).setUint32(8, header.length, true);
  return gzipSync(Buffer.concat([head, header, ...blobs]));
}

export function decodeRecordFile<M>(bytes: Uint8Array, what = 'recording'): RecordFile<M> {
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes);
  } catch {
    return fail('FAULTLINE_RECORD_CORRUPT', `${what} is not a faultline recording (not gzip)`);
  }
  if (raw.length < 12 || raw.subarray(0, 8).toString('latin1') !== magic) fail('FAULTLINE_RECORD_CORRUPT', `${what} is not a faultline recording (bad magic)`);
  const headerBytes = raw.readUInt32LE(8);
  if (12 + headerBytes > raw.length) fail('FAULTLINE_RECORD_CORRUPT', `${what}: the header runs past the end of the file`);
  const header = JSON.parse(raw.subarray(12, 12 + headerBytes).toString('utf8')) as {
    format: number;
    meta: M;
    run: Omit<RunRecording, 'workers' | 'checkOrder'> & { workers: number; blobs: number[] };
  };
  if (header.format !== recordFormatVersion) {
    fail('FAULTLINE_RECORD_FORMAT', `${what} has format ${header.format}; this faultline reads format ${recordFormatVersion}`);
  }
  const { blobs, workers: workerCount, ...run } = header.run;
  if (blobs.length !== workerCount * 2 + 1) fail('FAULTLINE_RECORD_CORRUPT', `${what}: ${blobs.length} streams for ${workerCount} workers`);
  let at = 12 + headerBytes;
  const streams = blobs.map((n) => {
    if (at + n > raw.length) fail('FAULTLINE_RECORD_CORRUPT', `${what}: a stream runs past the end of the file`);
    const s = new Uint8Array(raw.subarray(at, at + n));
    at += n;
    return s;
  });
  const workers = Array.from({ length: workerCount }, (_, w) => ({ steps: streams[2 * w]!, mem: streams[2 * w + 1]! }));
  return { format: header.format, meta: header.meta, run: { ...run, workers, checkOrder: streams[streams.length - 1]! } };
}

export function writeRecordFile<M>(path: string, file: RecordFile<M>): number {
  const bytes = encodeRecordFile(file);
  writeFileSync(path, bytes);
  return bytes.length;
}

export function readRecordFile<M>(path: string): RecordFile<M> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return fail('FAULTLINE_RECORD_READ', `cannot read recording ${path}: ${(err as Error).message}`);
  }
  return decodeRecordFile<M>(bytes, `recording ${path}`);
}
