// The healing phase end to end (scenarios/guest-pause-heal.yaml): the pauseGuest event and the
// liveness bound are validated with their paths; in the simulator the paused guest lets its
// virtual PRQ overflow, catches up at the heal and answers every group within the bound; with
// vprq-drop-leaks-cookie I8 reports the leaked groups overdue while the run goes on, and the
// replay line reproduces it; on threads (time scale 1000) the scenario runs clean with the
// bound judged from the check events' times.

import { describe, expect, it } from 'vitest';
import { formatReplay, parseReplayLine, replay, replaySourceOf } from '../../src/api/index.ts';
import { runNested } from '../../src/runtime/nested-run.ts';
import { exploreScenario, formatExplore } from '../../src/api/index.ts';
import { formatNestedReport } from '../../src/report/format-nested.ts';
import { liveWorkerCount } from '../../src/runtime/spawn-worker.ts';
import { deriveTierConfigs } from '../../src/scenario/derive.ts';
import { loadScenario, parseScenarioText } from '../../src/scenario/load.ts';

const name = 'guest-pause-heal';
const base = `name: t
devices:
  - { name: pf, rid: 0x100, pasids: [1] }
`;

describe('pauseGuest and the liveness bound in a scenario', () => {
  it('hands the guest its window and the plan: heal at the latest untilMs, bound in ns', () => {
    const s = parseScenarioText(
      `${base}events:
  - { atMs: 0.5, action: pauseGuest, untilMs: 0.9 }
  - { atMs: 0.2, action: pauseGuest, untilMs: 0.3 }
liveness: { boundUs: 150 }
`,
      'x.yaml',
    );
    const t = deriveTierConfigs(s);
    expect(t.guest.events![0]).toEqual({ atNs: 500_000, action: 'pauseGuest', rid: null, pasid: null, count: 1, untilNs: 900_000 });
    expect(t.guest.liveness).toEqual({ healAtNs: 900_000, boundNs: 150_000 });
    expect(t.host.events!.length).toBe(2);
  });

  it('defaults to no bounded check', () => {
    const s = parseScenarioText(base, 'x.yaml');
    expect(s.liveness).toEqual({ boundUs: null });
    expect(deriveTierConfigs(s).guest.liveness).toBeUndefined();
  });

  it.each([
    ['{ atMs: 0.5, action: pauseGuest }', /events\[0\]\.untilMs: action 'pauseGuest' needs untilMs/],
    ['{ atMs: 0.5, action: pauseGuest, untilMs: 0.5 }', /events\[0\]\.untilMs: 0\.5 must be after atMs \(0\.5\)/],
    ['{ atMs: 0.5, action: pauseGuest, untilMs: 0.9, device: pf }', /events\[0\]\.device: pauseGuest pauses the whole guest; it takes no device/],
    ['{ atMs: 0.5, action: flr, device: pf, untilMs: 0.9 }', /events\[0\]\.untilMs: only pauseGuest takes untilMs, not 'flr'/],
  ])('rejects %s', (e, msg) => {
    const s = parseScenarioText(`${base}events:\n  - ${e}\n`, 'x.yaml');
    expect(() => deriveTierConfigs(s)).toThrow(msg);
  });

  it.each([
    ['liveness: { boundUs: 0 }', /scenario\.liveness\.boundUs/],
    ['liveness: { boundUs: fast }', /scenario\.liveness\.boundUs/],
    ['liveness: { bound: 5 }', /scenario\.liveness\.bound: unknown key \(did you mean 'boundUs'\?\)/],
  ])('rejects %s with its path', (text, msg) => {
    expect(() => parseScenarioText(`${base}${text}\n`, 'x.yaml')).toThrow(msg);
  });
});

describe(`${name} in the simulator`, () => {
  it('seeds 1..4: clean, every declared mark reached, every group answered within the bound after the heal', async () => {
    const r = await exploreScenario(name, { from: 1, to: 4, jobs: 1 });
    expect(r.failing, formatExplore(r)).toBe(0);
    expect(r.missingMarks).toEqual([]);
    const run = await replay({ scenario: name, seed: 1, durationMs: 2, bugs: [], set: [] });
    const i8 = run.checker!.invariants.find((i) => i.id === 'I8')!;
    expect(i8.ok).toBe(true);
    expect(i8.bound).toMatchObject({ boundNs: 200_000, healAtNs: 900_000, judged: true, overdue: 0 });
    expect(i8.bound!.answered).toBeGreaterThan(100);
    expect(i8.bound!.worstNs).toBeLessThan(200_000);
    expect(formatNestedReport(run)).toMatch(/ok {3}I8 liveness.*: every request answered within 200 µs after the heal at 0\.9 ms; worst \d/);
  }, 30_000);

  it('--bug vprq-drop-leaks-cookie: I8 reports the leaked groups past the bound during the run, and the replay line reproduces it', async () => {
    const r = await exploreScenario(name, { from: 1, to: 20, bugs: ['vprq-drop-leaks-cookie'], jobs: 1, stopAtFirst: true });
    const f = r.firstFailure;
    expect(f, formatExplore(r)).not.toBeNull();
    const first = f!.violations.find((v) => v.invariant === 'I8')!;
    // Judged online: 200 µs after the heal at 0.9 ms, while the workload still runs to 2 ms.
    expect(first.first).toMatch(/^group \d+ outstanding for [\d.]+ (ms|µs) \(raised at [\d.]+ ms\) is still unanswered 200\.\d µs after the heal at 0\.9 ms: past the liveness bound of 200 µs$/);
    expect(f!.replay).toBe(`faultline run ${name} --runtime sim --seed ${f!.seed} --duration-ms 2 --bug vprq-drop-leaks-cookie`);

    const spec = parseReplayLine([f!.replay]);
    const rep = await replay(spec);
    expect(rep.ok).toBe(false);
    expect(rep.traceHash).toBe(f!.traceHash);
    const again = rep.checker!.violations.find((v) => v.invariant === 'I8')!;
    expect({ invariant: again.invariant, ghosts: again.ghosts, first: again.message }).toEqual(first);
    expect(rep.checker!.invariants.find((i) => i.id === 'I8')!.bound!.overdue).toBeGreaterThan(0);
    expect(formatReplay(replaySourceOf(spec), rep)).toContain(`violation I8: ${first.first}`);
  }, 30_000);
});

describe(`${name} on threads`, () => {
  it("runs clean at its time scale, with the bound judged from the events' times, and reaches every mark", async () => {
    const { scenario } = loadScenario(name);
    // threads.timeScale 1000: the 2 ms scenario takes 2 s of wall clock; the 200 µs bound is 200 ms of it.
    expect(scenario.threads.timeScale).toBe(1000);
    const r = await runNested(scenario, { runtime: 'threads', seed: 3, stallMs: 5_000 });
    expect(r.ok, formatNestedReport(r)).toBe(true);
    const i8 = r.checker!.invariants.find((i) => i.id === 'I8')!;
    expect(i8.ok).toBe(true);
    expect(i8.bound).toMatchObject({ boundNs: 200_000, healAtNs: 900_000, judged: true, overdue: 0 });
    expect(i8.bound!.answered).toBeGreaterThan(0);
    expect(liveWorkerCount()).toBe(0);
  }, 30_000);
});
