// Starts a worker_threads Worker for an entry module: a built JavaScript entry directly, a
// TypeScript one (tests, benchmarks, development) through the bootstrap shim that registers tsx.
// It also counts live workers, so tests can prove that no run leaves one behind.
import { Worker, type WorkerOptions } from 'node:worker_threads';

const bootstrapUrl = new URL('./worker-bootstrap.mjs', import.meta.url);
let live = 0;

export function spawnWorker(entry: URL, data: object = {}, options: WorkerOptions = {}): Worker {
  const worker = entry.href.endsWith('.ts') ? new Worker(bootstrapUrl, { ...options, workerData: { ...data, entry: entry.href } }) : new Worker(entry, { ...options, workerData: data });
  live++;
  worker.once('exit', () => live--);
  return worker;
}

/** Workers started by spawnWorker in this thread that have not exited yet. */
export function liveWorkerCount(): number {
  return live;
}
