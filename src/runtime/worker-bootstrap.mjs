// Worker entry shim: Node cannot start a worker from a .ts file under tsx or vitest
// (privatenumber/tsx#354), so every worker starts here, registers tsx's ESM loader only
// when the entry is TypeScript, and then imports the real entry named in workerData.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') {
  throw new Error('FAULTLINE_WORKER_NO_ENTRY: workerData.entry must be the URL of the worker module');
}
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
