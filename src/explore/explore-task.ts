// One task of a seed exploration: one whole deterministic run of a scenario with one seed,
// boiled down to a small structured-clonable summary. The same function runs in the main
// thread (sequential exploration) and in a Piscina worker (explore-worker.mjs), so both give
// the same summary for a seed.

import { runNested, replayLine } from '../runtime/nested-run.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { InvariantId } from '../check/types.ts';
import type { SimResult } from '../runtime/sim/sim-runtime.ts';
import type { StrategySpec } from '../runtime/sim/strategy-spec.ts';
import { compareRuns } from './determinism-check.ts';
import { swarmScenario } from './swarm.ts';

export interface SeedTask {
  /** The resolved scenario (overrides and bug toggles applied). */
  scenario: Scenario;
  /** The scenario as the user named it (a shipped name or a file path), for the replay line. */
  source: string;
  seed: number;
  /** The simulator's ordering strategy (default: seeded uniform random). */
  strategy?: StrategySpec;
  /** Swarm: draw this seed's fault knobs (swarm.ts) before the run. */
  swarm?: boolean;
  /** Run the seed twice and compare the trace hashes (the determinism self-check). */
  checkDeterminism?: boolean;
  /** The exploration strategy this seed ran under, for its summary (default: the ordering strategy's name). */
  label?: string;
}

export interface SeedViolation {
  invariant: InvariantId;
  ghosts: number[];
  /** The violation's message: its first line in the report. */
  first: string;
}

export interface SeedSummary {
  seed: number;
  /** The strategy the seed ran under (in a portfolio, the member that ran it). */
  strategy: string;
  /** Deliveries the run made. */
  steps: number;
  /** The determinism self-check ran this seed twice and the runs differed: where (also in `error`). */
  nondeterministic?: string;
  /** No checker violation, no failed end-of-run check and no error (coverage marks are judged across seeds). */
  ok: boolean;
  violations: SeedViolation[];
  /** Per invariant: violations found (kept and dropped ones are not told apart here). */
  failedInvariants: Partial<Record<InvariantId, number>>;
  /** Failed end-of-run checks other than coverage marks, as "name: detail". */
  failedChecks: string[];
  traceHash: string;
  marks: Record<string, number>;
  stopReason: string;
  /** An actor threw (the run could not finish): its message. An error outcome, never a finding. */
  error?: string;
  replay: string;
  wallMs: number;
}

export async function runSeedTask(task: SeedTask): Promise<SeedSummary> {
  const t0 = performance.now();
  const strategy = task.label ?? task.strategy?.name ?? 'random';
  let scenario = task.scenario;
  try {
    if (task.swarm) scenario = swarmScenario(scenario, task.seed);
    // A seed's summary names each violation's invariant, ghosts and message, never its chain: no second run for the chains.
    const options = { runtime: 'sim', seed: task.seed, source: task.source, chains: 'never', ...(task.strategy ? { strategy: task.strategy } : {}) } as const;
    let first: SimResult | undefined;
    const r = await runNested(scenario, { ...options, stepHashes: task.checkDeterminism === true, onSimResult: (x) => (first = x) });
    if (task.checkDeterminism) {
      let second: SimResult | undefined;
      const again = await runNested(scenario, { ...options, stepHashes: true, onSimResult: (x) => (second = x) });
      const where = compareRuns(first!, second!);
      if (where !== null) {
        const message = `nondeterministic: seed ${task.seed} ran twice with different trace hashes (${r.traceHash}, ${again.traceHash}); ${where}`;
        return { ...errorSummary(task, scenario, strategy, message, t0), nondeterministic: where, steps: r.steps ?? 0 };
      }
    }
    const violations = (r.checker?.violations ?? []).map((v) => ({ invariant: v.invariant, ghosts: [...v.ghosts], first: v.message }));
    const failedInvariants: SeedSummary['failedInvariants'] = {};
    for (const inv of r.checker?.invariants ?? []) {
      if (inv.ok === false) failedInvariants[inv.id] = inv.violations;
    }
    const failedChecks = r.checks.filter((c) => !c.ok && !c.name.startsWith('coverage: mark')).map((c) => `${c.name}: ${c.detail}`);
    return {
      seed: task.seed,
      strategy,
      steps: r.steps ?? 0,
      ok: violations.length === 0 && failedChecks.length === 0,
      violations,
      failedInvariants,
      failedChecks,
      traceHash: r.traceHash ?? '',
      marks: { ...r.marks },
      stopReason: r.stopReason,
      replay: r.replay,
      wallMs: performance.now() - t0,
    };
  } catch (err) {
    return errorSummary(task, scenario, strategy, err instanceof Error ? err.message : String(err), t0);
  }
}

/** A seed that could not finish (an actor threw, or the runs differed): an error outcome, never a finding. */
function errorSummary(task: SeedTask, scenario: Scenario, strategy: string, message: string, t0: number): SeedSummary {
  return {
    seed: task.seed,
    strategy,
    steps: 0,
    ok: false,
    violations: [],
    failedInvariants: {},
    failedChecks: [],
    traceHash: '',
    marks: {},
    stopReason: 'actor-failed',
    error: message,
    replay: replayLine(scenario, task.seed, task.source, task.strategy),
    wallMs: performance.now() - t0,
  };
}

export default runSeedTask;
