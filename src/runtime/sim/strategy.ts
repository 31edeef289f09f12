// How the deterministic runtime picks the next delivery among the enabled ones. A strategy
// sees only the count of enabled events and the step number, and returns an index; the
// runtime records every index, so any strategy's run replays with `replayStrategy`.

import { fail } from '../../util/errors.ts';
import { createRng, rngStateFrom } from '../../util/rng.ts';

export interface Strategy {
  readonly name: string;
  choose(enabled: number, step: number): number;
}

/** Uniform random choice among enabled events, seeded. */
export function randomStrategy(seed: number): Strategy {
  const rng = createRng(rngStateFrom(seed, 0x5ced));
  return { name: 'random', choose: (n) => (n === 1 ? 0 : rng.int(n)) };
}

/** Always the first enabled delivery: the "default schedule" a schedule continues with past its end. */
export const defaultStrategy: Strategy = { name: 'default', choose: () => 0 };

/** Where a replayed schedule stopped fitting the run: the step, the recorded choice (null: past its end) and the enabled count. */
export interface Divergence {
  step: number;
  recorded: number | null;
  enabled: number;
}

export interface ReplayOptions {
  /** Past the last recorded choice: 'diverge' (default: a divergence) or 'default' (choice 0, the default schedule; schedule files). */
  pastEnd?: 'diverge' | 'default';
  /** From a divergence on, pick with this strategy and note where it diverged; absent: throw FAULTLINE_REPLAY_DIVERGED (exact replay). */
  fallback?: Strategy;
}

export interface ReplayStrategy extends Strategy {
  /** The first divergence, when a fallback took over (null: the schedule fitted every step). */
  readonly divergence: Divergence | null;
}

/** Replays a recorded schedule; a choice that does not fit the enabled set means the run diverged. */
export function replayStrategy(choices: ArrayLike<number>, options: ReplayOptions = {}): ReplayStrategy {
  const pastEndDefault = options.pastEnd === 'default';
  const fallback = options.fallback;
  let divergence: Divergence | null = null;
  return {
    name: 'replay',
    get divergence() {
      return divergence;
    },
    choose(n, step) {
      if (divergence !== null) return fallback!.choose(n, step);
      if (step >= choices.length) {
        if (pastEndDefault) return 0;
        if (fallback === undefined) {
          fail('FAULTLINE_REPLAY_DIVERGED', `the recorded schedule has ${choices.length} choices but the run reached step ${step}; it was recorded with different code, scenario or seed`);
        }
        divergence = { step, recorded: null, enabled: n };
        return fallback.choose(n, step);
      }
      const c = choices[step]!;
      if (c >= n) {
        if (fallback === undefined) fail('FAULTLINE_REPLAY_DIVERGED', `step ${step}: recorded choice ${c} but only ${n} events are enabled; it was recorded with different code, scenario or seed`);
        divergence = { step, recorded: c, enabled: n };
        return fallback.choose(n, step);
      }
      return c;
    },
  };
}

/** "diverged at step N (recorded choice c, only n enabled)", or past the schedule's end. */
export function describeDivergence(d: Divergence): string {
  return d.recorded === null ? `diverged at step ${d.step} (the schedule ended; ${d.enabled} enabled)` : `diverged at step ${d.step} (recorded choice ${d.recorded}, only ${d.enabled} enabled)`;
}
