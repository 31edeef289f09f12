// The default-storm scenario cut down for tests: 1 ms of workload over 2 048 pages, so a
// deterministic run takes a fraction of a second; `over` adjusts it further. It keeps the plain
// 1 µs hops without service costs (sim.profile none) instead of the shipped calibrated profile,
// so that 1 ms holds thousands of faults, as the tests built on it expect.
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

export function smallStorm(over: (s: Scenario) => void = () => undefined): Scenario {
  const { scenario } = loadScenario('default-storm');
  scenario.durationMs = 1;
  scenario.workload.pages = 2048;
  scenario.workload.mappablePages = 1900;
  scenario.sim.profile = 'none';
  over(scenario);
  return scenario;
}
