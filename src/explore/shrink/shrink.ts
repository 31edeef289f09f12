// Shrinking a failing run: from a scenario and a seed whose run violates an invariant (under
// the strategy that found it: random, pct, pos or delay-bounded), a smaller scenario
// (scenario-candidates.ts, greedy: the first smaller candidate that still fails without making
// the run longer is kept, else the first that fails at all, until none does) run with the same
// seed, then a smaller schedule (schedule-shrink.ts: ordering and delay choices), every
// candidate re-run and kept only if the same invariant still fails, within a budget of runs and
// wall time (budget.ts). A candidate that fails neither with the kept schedule nor with the
// default one is searched again with the finding's strategy on a few other seeds
// (`reseeds`, default `reseedsDefault`): a rare race rarely survives a cut on the one schedule that found it,
// yet the strategy that found it once finds it again in a smaller scenario, often sooner; the
// result then names the seed it kept. The result is checked once more the way a user replays it
// (the schedule's choices must all fit) and comes with the sizes before and after.

import type { InvariantId } from '../../check/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { fail } from '../../util/errors.ts';
import { Budget, type ShrinkBudget } from './budget.ts';
import { scenarioCandidates, scenarioSize, type ScenarioCandidate } from './scenario-candidates.ts';
import { scheduleFile, type ScheduleFile } from './schedule-file.ts';
import { nonDefaultDelays, nonDefaultOrderings, shrinkSchedule, trimSchedule, type ScheduleState } from './schedule-shrink.ts';
import { failedInvariants, runTrial, type TrialOutcome } from './trial.ts';
import { runNested } from '../../runtime/nested-run.ts';
import { scheduleWords, type StepSchedule } from '../../runtime/sim/choices.ts';
import type { StrategySpec } from '../../runtime/sim/strategy-spec.ts';

export interface ShrinkSizes {
  /** Scheduler steps of the run. */
  steps: number;
  devices: number;
  pasids: number;
  /** Timeline events. */
  events: number;
  durationMs: number;
  /** Timing windows the scenario declares (sim.latencyNs, sim.hops, sim.service as distributions). */
  windows: number;
  /** Ordering choices other than 0 (the default schedule) in the run's schedule. */
  choices: number;
  /** Delay choices other than their window's low end (the default timing) in the run's schedule. */
  delayChoices: number;
}

export interface ShrinkInput {
  scenario: Scenario;
  /** How the scenario was named (kept in the schedule file). */
  source: string;
  seed: number;
  /** The strategy that found the failure with this seed (absent: random). */
  strategy?: StrategySpec;
  /** The invariant that must keep failing; default: the first one the run violates. */
  invariant?: InvariantId;
  budget?: ShrinkBudget;
  /** Other seeds each scenario candidate is searched with when the kept schedule no longer fails on it (default reseedsDefault; 0 keeps the seed). */
  reseeds?: number;
  /** Each kept change, as it happens. */
  onStep?: (line: string) => void;
}

export interface ShrinkOutcome {
  invariant: InvariantId;
  seed: number;
  source: string;
  /** The shrunk scenario (coverage marks cleared: they are not what failed). */
  scenario: Scenario;
  schedule: ScheduleFile;
  before: ShrinkSizes;
  after: ShrinkSizes;
  /** Kept changes, in order. */
  log: string[];
  runs: number;
  wallMs: number;
  /** The budget ran out before no candidate was left: a further shrink might find smaller. */
  budgetExhausted: boolean;
  /** The shrunk scenario and schedule replayed exactly (every choice fitted) and failed the invariant again. */
  verified: boolean;
  /** Trace hash of that replay. */
  traceHash: string;
}

/** Other seeds a scenario candidate is searched with when the kept schedule no longer fails on it. */
export const reseedsDefault = 3;

const sizes = (s: Scenario, steps: number, schedule: StepSchedule): ShrinkSizes => {
  const z = scenarioSize(s);
  return { steps, ...z, choices: nonDefaultOrderings(schedule), delayChoices: nonDefaultDelays(schedule) };
};

export async function shrink(input: ShrinkInput): Promise<ShrinkOutcome> {
  const budget = new Budget(input.budget);
  const log: string[] = [];
  const note = (line: string): void => {
    log.push(line);
    input.onStep?.(line);
  };
  const { source } = input;
  let seed = input.seed;
  const reseeds = input.reseeds ?? reseedsDefault;
  budget.take();
  const strategy = input.strategy !== undefined ? { strategy: input.strategy } : {};
  const first = await runTrial({ scenario: input.scenario, seed, ...strategy }, input.invariant ?? 'I1', source);
  if (first.report === null) fail('FAULTLINE_SHRINK_NOT_FAILING', `the run of seed ${seed} could not finish (${first.error}); only a violated invariant can be shrunk`);
  const invariant = input.invariant ?? first.failed[0];
  if (invariant === undefined || !first.failed.includes(invariant)) {
    fail(
      'FAULTLINE_SHRINK_NOT_FAILING',
      `the run of seed ${seed} violates ${first.failed.length ? first.failed.join(', ') : 'no invariant'}${input.invariant ? `, not ${input.invariant}` : ''}; only a violated invariant can be shrunk`,
    );
  }
  const before = sizes(input.scenario, first.steps, first.schedule);
  // A candidate may not run longer than the original nor past the budget's wall time.
  const guard = (): { stepsMax: number; wallMsMax: number } => ({ stepsMax: first.steps, wallMsMax: budget.wallMsLeft });

  // The scenario (greedy, biggest cut first), then the schedule, and again while the scenario
  // gets smaller: a run that fails on the default schedule may allow scenario cuts the seed's
  // schedule did not. Coverage marks are not the failure.
  let scenario: Scenario = { ...structuredClone(input.scenario), marks: [] };
  let best: TrialOutcome = { ...first, fails: true };
  let replayed: StepSchedule | undefined;
  let sched: ScheduleState = { schedule: trimSchedule(first.schedule), steps: first.steps };
  // Cut the run short first (but I8: shrinkSchedule): a scenario candidate then only runs as
  // long as the repro, and must fail within it.
  sched = await shrinkSchedule(scenario, seed, invariant, source, best, budget, note, guard, 'cut-short');
  if (sched.stopAtStep !== undefined) best = { ...best, steps: sched.steps, stopAtStep: sched.stopAtStep };
  for (let round = 0; round < 4 && !budget.exhausted; round++) {
    const limit = sched.stopAtStep !== undefined ? { stopAtStep: sched.stopAtStep } : {};
    let cut = false;
    // After a kept cut the scan goes on from the same kind of cut (the next halving of the same
    // queue, …) rather than from the top, and starts over from the top once it reaches the end.
    for (let from = 0; !budget.exhausted; ) {
      // The first candidate that still fails without making the run longer; failing that, the
      // first that fails at all (a cut that lengthens the run may open bigger cuts: a smaller
      // queue overflows sooner).
      let longer: { c: ScenarioCandidate; o: TrialOutcome; at: number; seed: number } | undefined;
      let taken: { c: ScenarioCandidate; o: TrialOutcome; at: number; seed: number } | undefined;
      const candidates = scenarioCandidates(scenario);
      for (let at = Math.min(from, candidates.length); at < candidates.length; at++) {
        const c = candidates[at]!;
        if (!budget.take()) break;
        const failing = (o: TrialOutcome): boolean => o.fails && !(c.limit && o.steps >= best.steps);
        let o = await runTrial({ scenario: c.scenario, seed, ...(replayed !== undefined ? { schedule: replayed } : strategy), ...guard(), ...limit }, invariant, source);
        // A smaller scenario may fail without the choices the bigger one needed: try it on the default schedule too.
        if (!failing(o) && replayed !== undefined && replayed.steps.length > 0 && budget.take()) {
          o = await runTrial({ scenario: c.scenario, seed, schedule: { withDelays: replayed.withDelays, steps: [] }, ...guard(), ...limit }, invariant, source);
        }
        let candidateSeed = seed;
        for (let k = 1; !failing(o) && k <= reseeds && budget.take(); k++) {
          candidateSeed = seed + k;
          o = await runTrial({ scenario: c.scenario, seed: candidateSeed, ...strategy, ...guard(), ...limit }, invariant, source);
        }
        if (!failing(o)) continue;
        if (o.steps <= best.steps) {
          taken = { c, o, at, seed: candidateSeed };
          break;
        }
        longer ??= { c, o, at, seed: candidateSeed };
      }
      taken ??= longer;
      if (taken === undefined) {
        if (from === 0 || budget.exhausted) break;
        from = 0;
        continue;
      }
      scenario = taken.c.scenario;
      best = taken.o;
      if (replayed !== undefined) replayed = trimSchedule(taken.o.schedule);
      note(`scenario: ${taken.c.change}${taken.seed !== seed ? ` (seed ${seed} → ${taken.seed})` : ''} (${taken.o.steps} steps)`);
      seed = taken.seed;
      from = taken.at;
      cut = true;
    }
    if (round > 0 && !cut) break;
    sched = await shrinkSchedule(scenario, seed, invariant, source, best, budget, note, guard);
    replayed = sched.schedule;
    // The next round starts from the whole run of the shrunk schedule (no step limit).
    if (!budget.take()) break;
    best = await runTrial({ scenario, seed, schedule: replayed, ...guard() }, invariant, source);
    if (!best.fails) break;
  }

  const words = scheduleWords(sched.schedule);
  const schedule = scheduleFile({
    scenario,
    source,
    seed,
    strategy: 'shrunk',
    steps: sched.steps,
    choices: words,
    ...(sched.stopAtStep !== undefined ? { stopAtStep: sched.stopAtStep } : {}),
  });

  // Replay it as a user will: strict, every recorded choice must fit.
  const check = await runNested(scenario, {
    runtime: 'sim',
    seed,
    source,
    metrics: false,
    chains: 'never',
    choices: words,
    schedulePastEnd: 'default',
    ...(sched.stopAtStep !== undefined ? { maxSteps: sched.stopAtStep } : {}),
  }).catch(() => null);
  return {
    invariant,
    seed,
    source,
    scenario,
    schedule,
    before,
    after: sizes(scenario, sched.steps, sched.schedule),
    log,
    runs: budget.runs,
    wallMs: budget.wallMs,
    budgetExhausted: budget.exhausted,
    verified: check !== null && failedInvariants(check).includes(invariant),
    traceHash: check?.traceHash ?? '',
  };
}
