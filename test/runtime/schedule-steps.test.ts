// A schedule with delay choices split into steps (choices.ts parseSchedule, with the layout
// step-layout.ts observes) and replayed step by step (step-replay.ts), on the window-end race of
// sim-timing.test.ts: the split has one step per scheduler step and every delay where the run
// drew it, joins back into the same words, and its step replay is the run again; an edited
// schedule whose steps draw other delays than recorded keeps later steps on their own choices.
import { describe, expect, it } from 'vitest';
import { delayOffsetAt, delayScheduleMark, parseSchedule, scheduleWords } from '../../src/runtime/sim/choices.ts';
import { delayBoundedStrategy } from '../../src/runtime/sim/delay-bounded-strategy.ts';
import { pctStrategy } from '../../src/runtime/sim/pct-strategy.ts';
import { runSim } from '../../src/runtime/sim/sim-runtime.ts';
import { observeStepLayout } from '../../src/runtime/sim/step-layout.ts';
import { stepReplayStrategy } from '../../src/runtime/sim/step-replay.ts';
import { randomStrategy, replayStrategy } from '../../src/runtime/sim/strategy.ts';
import { raceTopology } from '../fixtures/timing-race.actor.ts';

const window = { dist: 'uniform', min: 0, max: 1000 } as const;
const topo = () => raceTopology(window, 1000, 5);

describe('a schedule split into steps', () => {
  it('one step per scheduler step, each with the delays it drew; joined back it is the same schedule', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const o = observeStepLayout(pctStrategy(seed, 2, 4));
      const r = runSim(topo(), { seed, strategy: o.strategy });
      expect(r.choices[0]).toBe(delayScheduleMark);
      const s = parseSchedule(r.choices, o.delaysPerStep);
      expect(s.withDelays).toBe(true);
      expect(s.steps.length).toBe(r.steps);
      expect(s.steps.reduce((n, x) => n + x.delays.length, 0)).toBe((r.choices.length - 1 - r.steps) / 2);
      expect(s.steps.every((x) => x.delays.every((d) => d >= 0 && d <= 1000))).toBe(true);
      // The early sender's start draws its five windowed latencies; nothing else draws.
      expect(o.delaysPerStep.filter((n) => n > 0)).toEqual([5]);
      const words = scheduleWords(s);
      expect(words).toEqual(Array.from(r.choices).slice(0, words.length));
      expect(
        Array.from(r.choices)
          .slice(words.length)
          .every((w) => w === 0),
      ).toBe(true);
      // Step by step it is the run again, and so is the exact replay of the joined words.
      expect(runSim(topo(), { seed: 99, strategy: stepReplayStrategy(s) }).traceHash).toBe(r.traceHash);
      expect(runSim(topo(), { seed: 99, strategy: replayStrategy(words, { pastEnd: 'default' }) }).traceHash).toBe(r.traceHash);
    }
  });

  it('a schedule without delay choices is one ordering choice per step', () => {
    const o = observeStepLayout(randomStrategy(3));
    const r = runSim(topo(), { seed: 3, strategy: o.strategy });
    expect(o.strategy.chooseDelay).toBeUndefined();
    const s = parseSchedule(r.choices, o.delaysPerStep);
    expect(s).toEqual({ withDelays: false, steps: Array.from(r.choices, (order) => ({ order, delays: [] })) });
  });

  it('a last delay whose low word a schedule file dropped reads as 0, in the parse and in the replay', () => {
    expect(delayOffsetAt([delayScheduleMark, 0, 2], 2)).toBe(2 * 0x10000);
    const s = parseSchedule([delayScheduleMark, 0, 2], [1]);
    expect(s.steps).toEqual([{ order: 0, delays: [2 * 0x10000] }]);
    const wide = { dist: 'uniform', min: 0, max: 1_000_000 } as const;
    const a = runSim(raceTopology(wide, 1), { seed: 1, strategy: { name: 'late', choose: () => 0, chooseDelay: (lo) => lo + 2 * 0x10000 } });
    const trimmed = Array.from(a.choices);
    while (trimmed[trimmed.length - 1] === 0) trimmed.pop();
    expect(trimmed[trimmed.length - 1]).toBe(2);
    expect(runSim(raceTopology(wide, 1), { seed: 1, strategy: replayStrategy(trimmed, { pastEnd: 'default' }) }).traceHash).toBe(a.traceHash);
  });
});

describe('replaying an edited schedule step by step', () => {
  it('a step that now draws other delays than recorded leaves the later steps their own choices', () => {
    // delay-bounded with k = 2 on the race: some seed's run deviates at a step that draws delays.
    const runs = Array.from({ length: 20 }, (_, i) => {
      const o = observeStepLayout(delayBoundedStrategy(i + 1, 2, 4));
      const r = runSim(topo(), { seed: i + 1, strategy: o.strategy });
      return { r, s: parseSchedule(r.choices, o.delaysPerStep) };
    });
    const edited = runs.find(({ s }) => s.steps.some((x) => x.order !== 0) && s.steps.some((x) => x.delays.some((d) => d !== 0)));
    expect(edited).toBeDefined();
    const { s } = edited!;
    // Reset every ordering choice: which step draws the delays may change; each delay the new
    // run draws at a step takes that step's recorded delay, or the window's low end.
    const reset = { withDelays: true, steps: s.steps.map((x) => ({ order: 0, delays: x.delays })) };
    const o = observeStepLayout(stepReplayStrategy(reset));
    const again = runSim(topo(), { seed: 1, strategy: o.strategy });
    const made = parseSchedule(again.choices, o.delaysPerStep);
    expect(made.steps.every((x) => x.order === 0)).toBe(true);
    made.steps.forEach((x, i) => x.delays.forEach((d, j) => expect(d).toBe(s.steps[i]?.delays[j] ?? 0)));
  });
});
