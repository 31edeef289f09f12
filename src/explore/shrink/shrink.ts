// Shrinking a failing run: from a scenario and a seed whose run violates an invariant, a
// smaller scenario (scenario-candidates.ts, greedy: the first smaller candidate that still
// fails is kept, until none does) run with the same seed, then a smaller schedule
// (schedule-shrink.ts), every candidate re-run and kept only if the same invariant still
// fails, within a budget of runs and wall time (budget.ts). The result is checked once more
// the way a user replays it (the schedule's choices must all fit) and comes with the sizes
// before and after.

import type { InvariantId } from '../../check/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { fail } from '../../util/errors.ts';
import { Budget, type ShrinkBudget } from './budget.ts';
import { scenarioCandidates, scenarioSize } from './scenario-candidates.ts';
import { scheduleFile, type ScheduleFile } from './schedule-file.ts';
import { nonDefaultChoices, shrinkSchedule, type ScheduleState } from './schedule-shrink.ts';
import { failedInvariants, runTrial, type TrialOutcome } from './trial.ts';
import { runNested } from '../../runtime/nested-run.ts';

export interface ShrinkSizes {
  /** Scheduler steps of the run. */
  steps: number;
  devices: number;
  pasids: number;
  /** Timeline events. */
  events: number;
  durationMs: number;
  /** Choices other than 0 (the default schedule) in the run's schedule. */
  choices: number;
}

export interface ShrinkInput {
  scenario: Scenario;
  /** How the scenario was named (kept in the schedule file). */
  source: string;
  seed: number;
  /** The invariant that must keep failing; default: the first one the run violates. */
  invariant?: InvariantId;
  budget?: ShrinkBudget;
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

const sizes = (s: Scenario, steps: number, choices: readonly number[]): ShrinkSizes => {
  const z = scenarioSize(s);
  return { steps, devices: z.devices, pasids: z.pasids, events: z.events, durationMs: z.durationMs, choices: nonDefaultChoices(choices) };
};

export async function shrink(input: ShrinkInput): Promise<ShrinkOutcome> {
  const budget = new Budget(input.budget);
  const log: string[] = [];
  const note = (line: string): void => {
    log.push(line);
    input.onStep?.(line);
  };
  const { seed, source } = input;
  budget.take();
  const first = await runTrial({ scenario: input.scenario, seed }, input.invariant ?? 'I1', source);
  if (first.report === null) fail('FAULTLINE_SHRINK_NOT_FAILING', `the run of seed ${seed} could not finish (${first.error}); only a violated invariant can be shrunk`);
  const invariant = input.invariant ?? first.failed[0];
  if (invariant === undefined || !first.failed.includes(invariant)) {
    fail(
      'FAULTLINE_SHRINK_NOT_FAILING',
      `the run of seed ${seed} violates ${first.failed.length ? first.failed.join(', ') : 'no invariant'}${input.invariant ? `, not ${input.invariant}` : ''}; only a violated invariant can be shrunk`,
    );
  }
  const before = sizes(input.scenario, first.steps, first.choices);
  // A candidate may not run longer than the original nor past the budget's wall time.
  const guard = (): { stepsMax: number; wallMsMax: number } => ({ stepsMax: first.steps, wallMsMax: budget.wallMsLeft });

  // The scenario (greedy, biggest cut first), then the schedule, and again while the scenario
  // gets smaller: a run that fails on the default schedule may allow scenario cuts the seed's
  // schedule did not. Coverage marks are not the failure.
  let scenario: Scenario = { ...structuredClone(input.scenario), marks: [] };
  let best: TrialOutcome = { ...first, fails: true };
  let choices: number[] | undefined;
  let sched: ScheduleState = { choices: first.choices, steps: first.steps };
  for (let round = 0; round < 4 && !budget.exhausted; round++) {
    let cut = false;
    for (let progress = true; progress && !budget.exhausted; ) {
      progress = false;
      for (const c of scenarioCandidates(scenario)) {
        if (!budget.take()) break;
        const o = await runTrial({ scenario: c.scenario, seed, ...(choices !== undefined ? { choices } : {}), ...guard() }, invariant, source);
        if (!o.fails || (c.limit && o.steps >= best.steps)) continue;
        scenario = c.scenario;
        best = o;
        note(`scenario: ${c.change} (${o.steps} steps)`);
        progress = cut = true;
        break;
      }
    }
    if (round > 0 && !cut) break;
    sched = await shrinkSchedule(scenario, seed, invariant, source, best, budget, note, guard);
    choices = sched.choices;
    // The next round starts from the whole run of the shrunk schedule (no step limit).
    if (!budget.take()) break;
    best = await runTrial({ scenario, seed, choices, ...guard() }, invariant, source);
    if (!best.fails) break;
  }

  const schedule = scheduleFile({
    scenario,
    source,
    seed,
    strategy: 'shrunk',
    steps: sched.steps,
    choices: sched.choices,
    ...(sched.stopAtStep !== undefined ? { stopAtStep: sched.stopAtStep } : {}),
  });

  // Replay it as a user will: strict, every recorded choice must fit.
  const check = await runNested(scenario, {
    runtime: 'sim',
    seed,
    source,
    metrics: false,
    choices: sched.choices,
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
    after: sizes(scenario, sched.steps, sched.choices),
    log,
    runs: budget.runs,
    wallMs: budget.wallMs,
    budgetExhausted: budget.exhausted,
    verified: check !== null && failedInvariants(check).includes(invariant),
    traceHash: check?.traceHash ?? '',
  };
}
