// The simulator's cost per step, split three ways from process CPU time measured in one run,
// each figure the median of several interleaved repetitions (the machine is shared):
//   runtime     — the trivial chain actor's ns per delivery: the scheduler, channels and
//                 trace hashing with next to no actor work (the same-run baseline);
//   tier logic  — default-storm with the checker off, ns per step, less the runtime's;
//   checker     — default-storm with the checker (and its metrics) on, less the same run off.
// Also the nested faults per CPU second and the ratio of the nested path's steps per CPU
// second to the trivial actor's (1.00 would mean a nested step costs what a trivial one does).
// CPU time of the whole process includes the GC's helper threads, which a profile of the main
// thread does not show.  `npx tsx --expose-gc bench/sim-step-cost.ts` (RUNS, MS) on its own.
// Its figures are the sources as tsx compiles them, which run slower than the built dist/ (the
// fourth 100 ms run of default-storm: 393 against 220 CPU ms, issue 9 pass 6): read its split
// and ratios, and take faults per CPU second from bench/sim-procs-ab.ts, which runs dist/.

import { chainTopology } from '../actors/chain/chain-topology.ts';
import { runSim } from '../src/runtime/sim/sim-runtime.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { nestedTopology } from '../src/scenario/nested-topology.ts';
import { median } from './stats.ts';

export interface SimStepCost {
  runs: number;
  scenarioMs: number;
  faults: number;
  stepsPerFault: number;
  runtimeNsPerStep: number;
  tierNsPerStep: number;
  checkerNsPerStep: number;
  nestedNsPerStep: number;
  faultsPerCpuSec: number;
  /** Nested steps per CPU second over the trivial actor's deliveries per CPU second. */
  ratioToTrivial: number;
}

function cpuNs<T>(fn: () => T): { ns: number; out: T } {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const out = fn();
  const c = process.cpuUsage(c0);
  return { ns: (c.user + c.system) * 1000, out };
}

function nested(scenarioMs: number, check: boolean): { ns: number; steps: number; faults: number } {
  const { scenario } = loadScenario('default-storm');
  scenario.durationMs = scenarioMs;
  const { ns, out } = cpuNs(() => runSim(nestedTopology(scenario).topology, { seed: 1, check, recordChoices: false }));
  return { ns, steps: out.steps, faults: (out.actors[0]!.stats as { faults: number }).faults };
}

function trivial(requests: number): { ns: number; steps: number } {
  const { ns, out } = cpuNs(() => runSim(chainTopology({ requests, window: 64 }), { seed: 1, recordChoices: false }));
  return { ns, steps: out.steps };
}

// 100 ms of default-storm is about 16 k faults under its calibrated profile (mainline-x86): long
// enough that the JIT's warm-up does not decide the figure, as it did at 5 ms (725 faults).
export function measureSimStepCost(runs = 5, scenarioMs = 100): SimStepCost {
  // Warm-up at full size, twice: a 20 ms run left the JIT still compiling into the measured runs
  // (the first 100 ms run after it took 1.5–2.5× the CPU of the next, in dist/ as under tsx).
  for (let i = 0; i < 2; i++) {
    nested(scenarioMs, true);
    nested(scenarioMs, false);
    trivial(200_000);
  }
  const on: number[] = [];
  const off: number[] = [];
  const triv: number[] = [];
  let steps = 0;
  let faults = 0;
  for (let i = 0; i < runs; i++) {
    const a = nested(scenarioMs, true);
    const b = nested(scenarioMs, false);
    const t = trivial(200_000);
    on.push(a.ns / a.steps);
    off.push(b.ns / b.steps);
    triv.push(t.ns / t.steps);
    steps = a.steps;
    faults = a.faults;
  }
  const runtimeNsPerStep = median(triv);
  const offNs = median(off);
  const onNs = median(on);
  return {
    runs,
    scenarioMs,
    faults,
    stepsPerFault: steps / faults,
    runtimeNsPerStep,
    tierNsPerStep: offNs - runtimeNsPerStep,
    checkerNsPerStep: onNs - offNs,
    nestedNsPerStep: onNs,
    faultsPerCpuSec: 1e9 / (onNs * (steps / faults)),
    ratioToTrivial: runtimeNsPerStep / onNs,
  };
}

export function formatSimStepCost(r: SimStepCost): string {
  const pct = (x: number): string => `${((100 * x) / r.nestedNsPerStep).toFixed(0)} %`;
  return [
    `deterministic runtime (default-storm, ${r.scenarioMs} ms, ${r.faults} faults, ${r.stepsPerFault.toFixed(1)} steps a fault, CPU medians of ${r.runs}):`,
    `  ${(r.faultsPerCpuSec / 1e3).toFixed(1)} k nested faults per CPU second under tsx, for the split below (the issue's measure runs the build: bench/sim-proc.ts)`,
    `  per step ${r.nestedNsPerStep.toFixed(0)} ns: runtime ${r.runtimeNsPerStep.toFixed(0)} ns (${pct(r.runtimeNsPerStep)}), tier logic ${r.tierNsPerStep.toFixed(0)} ns (${pct(r.tierNsPerStep)}), checker ${r.checkerNsPerStep.toFixed(0)} ns (${pct(r.checkerNsPerStep)})`,
    `  sim vs trivial actor: ${r.ratioToTrivial.toFixed(3)} (a nested step costs ${(1 / r.ratioToTrivial).toFixed(1)}× a trivial delivery of ${r.runtimeNsPerStep.toFixed(0)} ns)`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatSimStepCost(measureSimStepCost(Number(process.env.RUNS ?? 5), Number(process.env.MS ?? 100))));
