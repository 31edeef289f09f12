// faultline's public API: everything the command line does, as functions with typed options
// and results. The command line (src/cli) is a thin layer over this module and nothing else.
//
//   import { runScenario, exploreScenario, replay, formatNestedReport } from 'faultline';
//   const report = await runScenario('vprq-overflow', { runtime: 'sim', seed: 3, bugs: ['vprq-drop-leaks-cookie'] });
//   console.log(report.ok, formatNestedReport(report));

export { FaultlineError } from '../util/errors.ts';
export { version } from './version.ts';

export {
  apiOptionName,
  bugToggles,
  cliOptionName,
  defaultScenarioName,
  listScenarios,
  mainlineBugs,
  openScenario,
  overridesOf,
  type BugToggle,
  type MainlineBug,
  type OpenedScenario,
  type OptionName,
  type Scenario,
  type ScenarioChanges,
  type ScenarioListing,
  type ScenarioOverride,
} from './scenario.ts';
export { checkRunOptions, runOpenedScenario, runScenario, type RunOptions, type Runtime } from './run.ts';
export { exploreOpenedScenario, exploreScenario, exploreStrategyOf, seedRange, type ExploreScenarioOptions } from './explore.ts';
export { seedMax } from './constants.ts';
export { sweepCsv, sweepGrid, sweepJson, sweepScenario, writeSweepOutputs, type SweepResult, type SweepPoint, type SweepProgress, type SweepRun, type SweepScenarioOptions } from './sweep.ts';
export { checkOutDir, outputFiles, writeRunOutputs } from './outputs.ts';
export { mergeResults, type MergedResult } from './merge.ts';
export { exploreShard, exploreShardFile, readShardFile, sweepShard, type ExploreShardFile, type ShardFile, type SweepShardFile } from './shard-file.ts';
export { parseShard, type ShardSpec } from '../explore/shard.ts';
export type { MetricsOptions, RunMetrics, QueueReport, HopReport, SeriesReport } from '../check/metrics-collector.ts';
export type { LatencySummary } from '../metrics/histogram.ts';
export { parseReplayLine, replay, replayRecording, replaySourceOf, replayWords, type ReplaySpec } from './replay.ts';
export {
  checkShrinkOptions,
  replayCorpus,
  saveRunSchedule,
  shrinkFailure,
  type CorpusEntryResult,
  type CorpusReplayResult,
  type ShrinkFailureOptions,
  type ShrinkOutcome,
  type ShrinkResult,
} from './shrink.ts';
export { formatShrink } from '../explore/shrink/format-shrink.ts';
export { formatCorpusLine } from '../explore/shrink/corpus.ts';
export { runChain, type ChainRunOptions } from '../runtime/chain-run.ts';
export { replayLine } from '../runtime/nested-run.ts';

export type { NestedReport } from '../report/nested-report.ts';
export type { ChainRunReport } from '../report/chain-report.ts';
export type { CheckerResult, InvariantId, InvariantVerdict, Violation } from '../check/types.ts';
export type { ExploreResult } from '../explore/explore.ts';
export type { StrategySpec } from '../runtime/sim/strategy-spec.ts';
export type { SeedSummary } from '../explore/explore-task.ts';
export type { MachinesMode } from '../machines/mode.ts';

export { formatNestedReport, nestedVerdict, violationCount } from '../report/format-nested.ts';
export { formatChainReport } from '../report/chain-report.ts';
export { formatExplore, exploreVerdict } from '../explore/format-explore.ts';
export { formatSweep } from '../report/format-sweep.ts';
export { formatReplay, type ReplaySource } from '../report/format-replay.ts';
