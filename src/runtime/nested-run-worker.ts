// Worker entry of an off-thread simulator run (nested-run-off-thread.ts): one runNested in
// the simulator, stopped early when the main thread raises the shared stop word, and its
// report (or its error, as data) posted back.

import { parentPort, workerData } from 'node:worker_threads';
import { toErrorRecord } from '../util/errors.ts';
import { runNested, type NestedRunOptions } from './nested-run.ts';
import type { Scenario } from '../scenario/schema.ts';

const { scenario, options, stop } = workerData as { scenario: Scenario; options: NestedRunOptions; stop: Int32Array };
// The simulator's loop is synchronous: it polls this, which the main thread sets from its signal.
const signal = {
  get aborted() {
    return Atomics.load(stop, 0) !== 0;
  },
} as AbortSignal;
try {
  const report = await runNested(scenario, { ...options, signal });
  parentPort!.postMessage({ report });
} catch (err) {
  parentPort!.postMessage({ error: toErrorRecord(err) });
}
