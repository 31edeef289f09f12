// A simulator run on a worker thread, so that the thread that asked for it stays free to
// notice a signal: when `signal` aborts, the worker's run stops at its next poll and its
// report so far comes back (stopReason 'interrupted'); a run that does not stop within a few
// seconds is terminated and the call rejects with FAULTLINE_INTERRUPTED.

import type { NestedReport } from '../report/nested-report.ts';
import type { Scenario } from '../scenario/schema.ts';
import { FaultlineError, type ErrorRecord } from '../util/errors.ts';
import { runningFromSources } from '../util/module-url.ts';
import type { NestedRunOptions } from './nested-run.ts';
import { spawnWorker } from './spawn-worker.ts';

const entry = new URL(runningFromSources ? './nested-run-worker.ts' : './nested-run-worker.js', import.meta.url);

/** How long an interrupted run may take to stop and report before its worker is terminated. */
const stopGraceMs = 5000;

export function runNestedOffThread(scenario: Scenario, o: NestedRunOptions & { signal: AbortSignal }): Promise<NestedReport> {
  const { signal, ...options } = o;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  return new Promise<NestedReport>((resolve, reject) => {
    const worker = spawnWorker(entry, { scenario, options, stop });
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      Atomics.store(stop, 0, 1);
      grace = setTimeout(() => {
        void worker.terminate();
        reject(signal.reason instanceof FaultlineError ? signal.reason : new FaultlineError('FAULTLINE_INTERRUPTED', 'the run was interrupted'));
      }, stopGraceMs);
    };
    const done = (): void => {
      signal.removeEventListener('abort', onAbort);
      if (grace) clearTimeout(grace);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    worker.once('message', (m: { report?: NestedReport; error?: ErrorRecord }) => {
      done();
      if (m.report) resolve(m.report);
      else {
        const e = m.error!;
        const err = new FaultlineError(e.code ?? 'FAULTLINE_ACTOR_FAILED', e.message.replace(/^FAULTLINE_[A-Z_]+: /, ''));
        if (e.stack) err.stack = e.stack;
        reject(err);
      }
      void worker.terminate();
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
  });
}
