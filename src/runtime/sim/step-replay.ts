// Replaying a schedule step by step (a shrink's candidates, src/explore/shrink/): step s takes
// its own ordering choice and, in order, its own delay choices, whatever the steps before it
// drew. An edited schedule (a choice reset to its default) may make a step draw fewer or more
// delays than the recorded run did; the exact replay (strategy.ts replayStrategy), one cursor
// over the words, would then read the next step's words as this step's, while this keeps every
// later step on its own choices. What it cannot follow takes the default: an ordering choice
// that no longer fits, or a step past the schedule's end, takes choice 0; a delay the step did
// not draw before takes its window's low end. A schedule without delay choices leaves windowed
// delays to the run's seeded timing stream (timing.ts), as its exact replay does.

import type { StepSchedule } from './choices.ts';
import type { Strategy } from './strategy.ts';

export function stepReplayStrategy(schedule: StepSchedule): Strategy {
  const { steps } = schedule;
  let delay = 0;
  const strategy: Strategy = {
    name: 'replay',
    choose(n, step) {
      delay = 0;
      const c = step < steps.length ? steps[step]!.order : 0;
      return c < n ? c : 0;
    },
  };
  if (schedule.withDelays) {
    strategy.chooseDelay = (lo, _hi, step) => {
      const d = step < steps.length ? steps[step]!.delays[delay++] : undefined;
      return lo + (d ?? 0);
    };
  }
  return strategy;
}
