// Entry module of a threaded-run worker (started through worker-bootstrap.mjs).
import { bootFromWorkerData, runWorker } from './worker-host.ts';

await runWorker(bootFromWorkerData());
