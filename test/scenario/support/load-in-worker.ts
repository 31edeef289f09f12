// Worker entry for the loader tests: parse the scenario text given in workerData on this
// worker thread and post back the error's code and message (or that it loaded).

import { parentPort, workerData } from 'node:worker_threads';
import { parseScenarioText } from '../../../src/scenario/load.ts';

const { text, source } = workerData as { text: string; source: string };
try {
  parseScenarioText(text, source);
  parentPort!.postMessage({ loaded: true });
} catch (err) {
  parentPort!.postMessage({ loaded: false, code: (err as { code?: string }).code, message: (err as Error).message });
}
