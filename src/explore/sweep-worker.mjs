// Piscina worker entry for sweeps from the TypeScript sources (see explore-worker.mjs): registers
// tsx's ESM loader, then imports the task module. One task = one run of one grid point and seed.
import { register } from 'tsx/esm/api';

register();
const { runSweepTask } = await import('./sweep-task.ts');

export default (task) => runSweepTask(task);
