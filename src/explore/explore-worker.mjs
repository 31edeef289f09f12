// Piscina worker entry for seed exploration: Node cannot load a .ts file as a worker under tsx
// or vitest (privatenumber/tsx#354), so, like src/runtime/worker-bootstrap.mjs, this plain
// module registers tsx's ESM loader and then imports the TypeScript task module. Piscina calls
// the default export once per task (one deterministic run of one seed).
import { register } from 'tsx/esm/api';

register();
const { runSeedTask } = await import('./explore-task.ts');

export default runSeedTask;
