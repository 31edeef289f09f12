// Scenario files for the project's own fuzzing (issue 12): fast-check arbitraries for valid
// scenarios drawn from the schema's ranges (kept small so a run takes a second), mutations of
// them (wrong types, unknown keys, extreme values, deleted keys), and the one judgement every
// case gets: refused with a FaultlineError naming a path, or run to its end in the simulator
// (short duration, guard rails on) with a verdict — never another exception, never a hang.
//
// `safe` keeps clear of configurations the loader does not refuse yet but an actor or the model
// cannot work with (queue sizes not powers of two, readBatchRecords < pagesPerGroup, duplicate
// vrids; issue 12, the loader's part): the bounded fuzz in `npm test` must pass today; the long
// fuzz (FAULTLINE_FUZZ_LONG=1) draws from everything and reports such inputs as crashes.

import fc from 'fast-check';
import { runNested } from '../../src/runtime/nested-run.ts';
import { parseScenarioText } from '../../src/scenario/load.ts';
import { eventActions } from '../../src/config/timeline.ts';
import { FaultlineError } from '../../src/util/errors.ts';

export type Outcome =
  | { kind: 'refused'; message: string }
  | { kind: 'ran'; ok: boolean; stopReason: string; unexplained: string[]; failures: string[] }
  | { kind: 'crashed'; error: string }
  | { kind: 'hung'; stopReason: string };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const pow2 = (lo: number, hi: number) => fc.integer({ min: Math.log2(lo), max: Math.log2(hi) }).map((e) => 2 ** e);

/** A valid scenario, small: 1–2 devices of 1–2 PASIDs, 1 ms. */
export const validScenario = (safe: boolean): fc.Arbitrary<Obj> =>
  fc
    .record({
      devices: fc.integer({ min: 1, max: 2 }).chain((n) =>
        fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            fc.record({
              name: fc.constant(`d${i}`),
              rid: fc.constant(0x100 * (i + 1)),
              pasids: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 2 }),
              priAllocation: fc.integer({ min: 1, max: 1024 }),
              atcEntries: fc.integer({ min: 0, max: 64 }),
              atcInvDelayNs: fc.integer({ min: 0, max: 20_000 }),
              ignoresAtcInv: fc.boolean(),
            }),
          ),
        ),
      ),
      workload: fc.record({
        inFlight: fc.integer({ min: 1, max: 16 }),
        pages: fc.integer({ min: 8, max: 4096 }),
        mappablePages: fc.integer({ min: 0, max: 4096 }),
        pattern: fc.constantFrom('sequential', 'random'),
        writeRatio: fc.double({ min: 0, max: 1, noNaN: true }),
        pagesPerGroup: fc.integer({ min: 1, max: 4 }),
        thinkNs: fc.integer({ min: 1, max: 10_000 }),
      }),
      iommu: fc.record({
        prqEntries: safe ? pow2(16, 2048) : fc.integer({ min: 2, max: 2048 }),
        overflowAutoResponse: fc.constantFrom('success', 'invalid', 'none'),
        implicitInvalidation: fc.boolean(),
        itagsMax: fc.integer({ min: 1, max: 32 }),
        atcInvTimeoutNs: fc.constantFrom(0, 100_000, 1_000_000),
        atsLatencyNs: fc.integer({ min: 0, max: 20_000 }),
        iotlbInvLatencyNs: fc.integer({ min: 0, max: 20_000 }),
      }),
      vmm: fc.record({
        readBatchRecords: fc.integer({ min: safe ? 4 : 1, max: 100 }),
        vprqEntries: safe ? pow2(16, 2048) : fc.integer({ min: 2, max: 2048 }),
        guestFailureMapsTo: fc.constantFrom('invalid', 'success'),
        vprqOverflowResponse: fc.constantFrom('success', 'invalid'),
      }),
      guest: fc.record({
        handlerCostNs: fc.integer({ min: 0, max: 10_000 }),
        unmapEveryNs: fc.oneof(fc.constant(0), fc.integer({ min: 5_000, max: 50_000 })),
        unmapPages: fc.integer({ min: 1, max: 4 }),
      }),
      events: fc.array(
        fc.record({
          atMs: fc.double({ min: 0, max: 0.8, noNaN: true }),
          action: fc.constantFrom(...eventActions),
        }),
        { maxLength: 2 },
      ),
    })
    .map((r) => {
      const devices = r.devices as unknown as Obj[];
      const events = r.events.map((e) =>
        e.action === 'pauseGuest'
          ? { atMs: e.atMs, action: e.action, untilMs: e.atMs + 0.1 }
          : e.action === 'closeFaultFd'
            ? { atMs: e.atMs, action: e.action }
            : { atMs: e.atMs, action: e.action, device: 'd0' },
      );
      const workload = { ...r.workload, mappablePages: Math.min(r.workload.mappablePages, r.workload.pages) };
      // A device that never answers ATC invalidations with no time-out blocks the IOMMU's command queue
      // (responses included) for good: the run ends with groups never answered (issue 12, loader's part).
      const iommu = safe && r.devices.some((d) => d.ignoresAtcInv) && r.iommu.atcInvTimeoutNs === 0 ? { ...r.iommu, atcInvTimeoutNs: 100_000 } : r.iommu;
      return { name: 'fuzz', durationMs: 1, seed: 1, devices, workload, iommu, vmm: r.vmm, guest: r.guest, events } as unknown as Obj;
    });

/** Every path to a leaf or object of `o` (objects and arrays), root excluded. */
function paths(o: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (o !== null && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const p = [...at, Array.isArray(o) ? Number(k) : k];
      out.push(p);
      paths(v as Json, p, out);
    }
  }
  return out;
}

const wrongValues: Json[] = ['x', '', -1, 0.5, 1e300, -1e300, true, null, [], {}, [1, 2], 2 ** 53, 65_536, 4096, 1e12, 'success'];
const strangeKeys = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'bogus', 'pasid', 'Devices', ''];

export type Mutation = { op: 'set'; pick: number; value: Json } | { op: 'delete'; pick: number } | { op: 'addKey'; pick: number; key: string; value: Json };

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: fc.constantFrom(...wrongValues) }),
    fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
    fc.record({ op: fc.constant('addKey' as const), pick: fc.nat(), key: fc.constantFrom(...strangeKeys), value: fc.constantFrom<Json>(1, 'x', null, {}) }),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Applies mutations to a deep copy (JSON text, so keys like __proto__ are own properties as YAML/JSON files give them). */
export function mutate(base: Obj, ms: Mutation[]): string {
  const o = JSON.parse(JSON.stringify(base)) as Obj;
  let text: string | null = null;
  for (const m of ms) {
    const all = paths(o);
    const target = all.length === 0 ? [] : all[m.pick % all.length]!;
    const parent = target.slice(0, -1).reduce<Json>((x, k) => (x as Obj)[k as string]!, o) as Obj;
    const last = target.at(-1)!;
    if (m.op === 'set')
      parent[last as string] = structuredClone(m.value); // a copy: the constants are shared, and a later mutation must not nest one in itself
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last as string];
    } else {
      const holder = (parent[last as string] !== null && typeof parent[last as string] === 'object' && !Array.isArray(parent[last as string]) ? parent[last as string] : parent) as Obj;
      if (m.key === '__proto__') text = JSON.stringify(o).replace(/^\{/, `{"__proto__":${JSON.stringify(m.value)},`);
      else Object.defineProperty(holder, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
    }
  }
  return text ?? JSON.stringify(o);
}

/** A refusal names where: `scenario`, then .key / [index] steps, then ':' (or a parse error with its source). */
export const pathMessage = /(scenario[^\s]*: |not valid JSON|YAML)/;

export async function judge(text: string, wallClockCapMs: number): Promise<Outcome> {
  let scenario: ReturnType<typeof parseScenarioText>;
  try {
    scenario = parseScenarioText(text, 'fuzz.json');
  } catch (e) {
    if (e instanceof FaultlineError && pathMessage.test(e.message)) return { kind: 'refused', message: e.message };
    return { kind: 'crashed', error: `load: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
  scenario.durationMs = 1;
  try {
    const r = await runNested(scenario, { runtime: 'sim', seed: 1, wallClockCapMs });
    if (r.stopReason === 'wall-clock-cap' || r.stopReason === 'max-steps') return { kind: 'hung', stopReason: r.stopReason };
    // Every failure must come with its explanation: a check's detail, a violation's message, a stop report.
    const unexplained = [
      ...r.checks.filter((c) => !c.ok && c.detail.trim() === '').map((c) => `check ${c.name}`),
      ...(r.checker?.violations ?? []).filter((v) => v.message.trim() === '').map((v) => `violation ${v.invariant}`),
      ...(r.stopReason !== 'quiescent' && r.stopReport === undefined ? [`stop ${r.stopReason} without a report`] : []),
    ];
    const failures = [...r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`), ...(r.checker?.violations ?? []).map((v) => `${v.invariant}: ${v.message.split('\n')[0]}`)];
    return { kind: 'ran', ok: r.ok, stopReason: r.stopReason, unexplained, failures };
  } catch (e) {
    // Cross-field rules checked while the tiers' configurations are derived, before any actor runs.
    if (e instanceof FaultlineError && e.code.startsWith('FAULTLINE_SCENARIO') && pathMessage.test(e.message)) return { kind: 'refused', message: e.message };
    return { kind: 'crashed', error: `run: ${e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message.slice(0, 300)}` : String(e)}` };
  }
}
