// How the deterministic runtime picks the next delivery among the enabled ones. A strategy
// sees the count of enabled events, the step number and each event's source, and returns an
// index; the runtime records every index, so any strategy's run replays with `replayStrategy`.
// A strategy may also choose timing (chooseDelay): where in its window a delay lands.
// The seeded ordering strategies (pct, pos, delay-bounded) are in their own files beside this
// one, and strategy-spec.ts builds one from its name.

import { fail } from '../../util/errors.ts';
import { createRng, rngStateFrom } from '../../util/rng.ts';
import { delayOffsetAt, delayScheduleMark } from './choices.ts';

export interface Strategy {
  readonly name: string;
  /**
   * `sources[i]` names where enabled event i comes from, stable over the run: a channel index
   * (≥ 0) or, for an actor's self inbox (timers, sys messages), −1 − the actor's index.
   */
  choose(enabled: number, step: number, sources: Int32Array): number;
  /**
   * Optional: timing as a choice (issue 10). When present, every hop latency and service cost
   * the scenario gives a window (a non-fixed distribution: a uniform's [min, max], an empirical
   * table's range, an exponential's or log-normal's [q0.001, q0.999]; timing.ts delayWindowOf)
   * is this pick instead of a sample: a delay in whole ns within [loNs, hiNs] (rounded and
   * clamped into it). Called while step `step` runs, in the order the step draws its timings
   * (its service cost, then its sends). Every pick is recorded in the schedule and replayed
   * exactly (choices.ts). Fixed timings are never asked about. Without it (the random
   * strategy), windows are sampled from their distributions and nothing extra is recorded.
   */
  chooseDelay?(loNs: number, hiNs: number, step: number): number;
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
  /** Past the last recorded choice: 'diverge' (default: a divergence) or 'default' (choice 0 and a window's early end: the default schedule; schedule files). */
  pastEnd?: 'diverge' | 'default';
  /** From a divergence on, pick with this strategy and note where it diverged; absent: throw FAULTLINE_REPLAY_DIVERGED (exact replay). */
  fallback?: Strategy;
}

export interface ReplayStrategy extends Strategy {
  /** The first divergence, when a fallback took over (null: the schedule fitted every step). */
  readonly divergence: Divergence | null;
}

/**
 * Replays a recorded schedule; a choice that does not fit the enabled set means the run diverged.
 * A schedule that carries delay choices (it starts with delayScheduleMark) replays them too; one
 * without them samples its windowed delays again from the run's seed, so it replays with that seed.
 * After a divergence a fallback without delay choices leaves windowed delays at their early end.
 */
export function replayStrategy(choices: ArrayLike<number>, options: ReplayOptions = {}): ReplayStrategy {
  const withDelays = choices.length > 0 && choices[0] === delayScheduleMark;
  const pastEndDefault = options.pastEnd === 'default';
  const fallback = options.fallback;
  let divergence: Divergence | null = null;
  let at = withDelays ? 1 : 0;
  const endReached = (step: number, enabled: number, what: string): void => {
    if (fallback === undefined) {
      fail(
        'FAULTLINE_REPLAY_DIVERGED',
        `the recorded schedule has ${choices.length} choices but the run reached step ${step} and wanted ${what}; it was recorded with different code, scenario or seed`,
      );
    }
    divergence = { step, recorded: null, enabled };
  };
  const strategy: ReplayStrategy = {
    name: 'replay',
    get divergence() {
      return divergence;
    },
    choose(n, step, sources) {
      if (divergence !== null) return fallback!.choose(n, step, sources);
      if (at >= choices.length) {
        if (pastEndDefault) return 0;
        endReached(step, n, 'another ordering choice');
        return fallback!.choose(n, step, sources);
      }
      const c = choices[at++]!;
      if (c >= n) {
        if (fallback === undefined) fail('FAULTLINE_REPLAY_DIVERGED', `step ${step}: recorded choice ${c} but only ${n} events are enabled; it was recorded with different code, scenario or seed`);
        divergence = { step, recorded: c, enabled: n };
        return fallback.choose(n, step, sources);
      }
      return c;
    },
  };
  if (!withDelays) return strategy;
  return Object.defineProperty(strategy, 'chooseDelay', {
    value(lo: number, hi: number, step: number): number {
      if (divergence !== null) return fallback?.chooseDelay?.(lo, hi, step) ?? lo;
      if (at >= choices.length) {
        if (pastEndDefault) return lo;
        endReached(step, 0, 'a delay choice');
        return fallback?.chooseDelay?.(lo, hi, step) ?? lo;
      }
      const offset = delayOffsetAt(choices, at);
      at += 2;
      return lo + offset;
    },
  });
}

/** "diverged at step N (recorded choice c, only n enabled)", or past the schedule's end. */
export function describeDivergence(d: Divergence): string {
  return d.recorded === null ? `diverged at step ${d.step} (the schedule ended; ${d.enabled} enabled)` : `diverged at step ${d.step} (recorded choice ${d.recorded}, only ${d.enabled} enabled)`;
}
