// Starts a worker_threads Worker for a TypeScript or JavaScript entry module through the
// bootstrap shim, so tests (vitest), the CLI (tsx) and benchmarks all start real workers.
// It also counts live workers, so tests can prove that no run leaves one behind.
import { Worker, type WorkerOptions } from 'node:worker_threads';

const bootstrapUrl = new URL('./worker-bootstrap.mjs', import.meta.url);
let live = 0;

export function spawnWorker(entry: URL, data: object = {}, options: WorkerOptions = {}): Worker {
  const worker = new Worker(bootstrapUrl, { ...options, workerData: { ...data, entry: entry.href } });
  live++;
  worker.once('exit', () => live--);
  return worker;
}

/** Workers started by spawnWorker in this thread that have not exited yet. */
export function liveWorkerCount(): number {
  return live;
}
