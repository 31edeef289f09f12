// The files `--out DIR` writes (src/report/outputs/): summary.json carries the schema, the
// versions, the resolved scenario and the seed; metrics.csv is long form with one row per
// series point; trace.json follows the trace-event format — it parses, every flow start has
// its end (same cat, name and id), timestamps never go back on a track, slices of a track do
// not overlap, every queue has a counter track, and the window is said in otherData.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type NestedReport } from '../../src/api/index.ts';
import type { TraceFile } from '../../src/report/outputs/trace-json.ts';

let dir = '';
let report: NestedReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-out-'));
  report = await runScenario('pasid-teardown-reuse', { runtime: 'sim', seed: 2, out: join(dir, 'run'), metrics: { traceEventsMax: 200_000 } });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (name: string): string => readFileSync(join(dir, 'run', name), 'utf8');

describe('--out outputs', () => {
  it('summary.json: schema and version, faultline, Node and cores, the resolved scenario and the seed, the report without the trace window', () => {
    const s = JSON.parse(read('summary.json'));
    expect(s).toMatchObject({ schema: 'faultline.run-summary', schemaVersion: 1, node: process.version, seed: 2 });
    expect(typeof s.faultline).toBe('string');
    expect(s.cores).toBeGreaterThan(0);
    expect(s.scenario.name).toBe('pasid-teardown-reuse');
    expect(s.scenario.iommu.prqEntries).toBeGreaterThan(0);
    expect(s.report.metrics.little.ok).toBe(true);
    expect(s.report.metrics.traceWindow).toBeUndefined();
    expect(s.report.metrics.roundTrip.buckets.length).toBe(report.metrics!.roundTrip.buckets.length);
  });

  it('metrics.csv: time_ns, metric, labels, value; one row per series point of every queue and series', () => {
    const lines = read('metrics.csv').trimEnd().split('\n');
    expect(lines[0]).toBe('time_ns,metric,labels,value');
    const m = report.metrics!;
    const occ = lines.filter((l) => l.includes(',queue.occupancy.mean,'));
    expect(occ.length).toBe(m.queues.length * m.points);
    const raises = lines.filter((l) => l.includes(',raises,'));
    expect(raises.length).toBe(m.points);
    expect(raises.reduce((n, l) => n + Number(l.split(',').pop()), 0)).toBe(report.faults.raised);
    expect(lines.some((l) => /^\d+,latency\.p99\.99_ns,hop=roundTrip,\d/.test(l))).toBe(true);
    for (const l of lines.slice(1)) expect(l.split(',').length).toBeGreaterThanOrEqual(4);
  });

  it('trace.json: parses; flows pair up; time never goes back on a track; slices do not overlap; counters per queue; the window said', () => {
    const t = JSON.parse(read('trace.json')) as TraceFile;
    expect(Array.isArray(t.traceEvents)).toBe(true);
    const flows = new Map<string, string[]>();
    const lastTs = new Map<string, number>();
    const lastEnd = new Map<number, number>();
    for (const e of t.traceEvents) {
      if (e.ph === 'M') continue;
      expect(typeof e.ts).toBe('number');
      const track = e.ph === 'C' ? `C ${e.name}` : `${e.pid}/${e.tid}`;
      expect(e.ts!).toBeGreaterThanOrEqual(lastTs.get(track) ?? 0);
      lastTs.set(track, e.ts!);
      if (e.ph === 'X') {
        expect(e.ts!).toBeGreaterThanOrEqual(lastEnd.get(e.tid!) ?? 0);
        lastEnd.set(e.tid!, e.ts! + e.dur!);
      }
      if (e.ph === 's' || e.ph === 't' || e.ph === 'f') {
        const k = `${e.cat}/${e.name}/${e.id}`;
        flows.set(k, [...(flows.get(k) ?? []), e.ph]);
      }
    }
    expect(flows.size).toBeGreaterThan(0);
    for (const [k, phs] of flows) {
      expect(phs[0], k).toBe('s');
      expect(phs[phs.length - 1], k).toBe('f');
      expect(phs.filter((p) => p === 's').length, k).toBe(1);
      expect(phs.filter((p) => p === 'f').length, k).toBe(1);
    }
    const cats = new Set([...flows.keys()].map((k) => k.split('/')[0]));
    expect(cats).toEqual(new Set(['iopf', 'cmdq', 'drain']));
    const counters = new Set(t.traceEvents.filter((e) => e.ph === 'C').map((e) => e.name));
    expect(counters).toEqual(new Set(report.metrics!.queues.map((q) => `occupancy ${q.queue}`)));
    const processes = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name);
    expect(processes).toEqual(['faultline pasid-teardown-reuse (simulator: every tier in one thread)', 'faultline pasid-teardown-reuse queue occupancy']);
    const threads = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!.name);
    expect(threads).toEqual(expect.arrayContaining(['device', 'iommu', 'host', 'vmm', 'guest']));
    const w = t.otherData.window as { eventsInWindow: number; eventsInRun: number };
    expect(w.eventsInWindow).toBe(w.eventsInRun);
  });

  it('trace.json on threads: one process per worker holding its tiers as tracks, and one for the queue counters', async () => {
    // Bounded by work (20 accesses per space), not by wall-clock time, which a loaded machine may spend starting workers.
    const r = await runScenario('default-storm', { runtime: 'threads', durationMs: 20_000, set: ['workload.accessesMax=20'], workers: 2, out: join(dir, 'threads') });
    expect(r.faults.raised).toBeGreaterThan(100);
    expect(r.placement).toHaveLength(5);
    const t = JSON.parse(readFileSync(join(dir, 'threads', 'trace.json'), 'utf8')) as TraceFile;
    const processes = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name');
    expect(processes.map((e) => String(e.args!.name).replace(/^faultline default-storm /, ''))).toEqual(['worker 0: device, iommu, host', 'worker 1: vmm, guest', 'queue occupancy']);
    const threadPid = new Map(t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [String(e.args!.name), e.pid]));
    for (const p of r.placement!) if (threadPid.has(p.actor)) expect(threadPid.get(p.actor), p.actor).toBe(p.worker + 1);
    expect(threadPid.size).toBeGreaterThanOrEqual(3);
    const slicePids = new Set(t.traceEvents.filter((e) => e.ph === 'X').map((e) => e.pid));
    expect([...slicePids].sort()).toEqual([1, 2]);
    expect(new Set(t.traceEvents.filter((e) => e.ph === 'C').map((e) => e.pid))).toEqual(new Set([3]));
  }, 60_000);

  it("trace.json is bounded: the default window keeps the run's first 20 000 check events, and says so", async () => {
    await runScenario('pasid-teardown-reuse', { runtime: 'sim', seed: 2, out: join(dir, 'bounded') });
    const t = JSON.parse(readFileSync(join(dir, 'bounded', 'trace.json'), 'utf8')) as TraceFile;
    const w = t.otherData.window as { eventsInWindow: number; eventsInRun: number; windowEndNs: number; runEndNs: number };
    expect(w.eventsInWindow).toBe(20_000);
    expect(w.eventsInRun).toBeGreaterThan(20_000);
    expect(w.windowEndNs).toBeLessThan(w.runEndNs);
    const lastSlice = Math.max(...t.traceEvents.filter((e) => e.ph === 'X').map((e) => e.ts!));
    expect(lastSlice).toBeLessThanOrEqual(w.windowEndNs / 1000 + 1);
  }, 60_000);

  it('refuses an output folder that cannot be written, before the run', async () => {
    await expect(runScenario('prgi-reuse', { runtime: 'sim', out: join(dir, 'missing', 'deeper') })).rejects.toThrow(/options\.out .*does not exist/);
    await expect(runScenario('prgi-reuse', { runtime: 'sim', out: join(dir, 'run', 'summary.json') })).rejects.toThrow(/is a file/);
    await expect(runScenario('prgi-reuse', { runtime: 'sim', out: join(dir, 'x'), metrics: false })).rejects.toThrow(/needs the metrics/);
  });
});
