// The device tier's machine executors, compiled once per module load (pure tables).

import { executorFor } from '../../src/machines/index.ts';
import { prgMachine } from '../../machines/prg.machine.ts';
import { priCapabilityMachine } from '../../machines/pri-capability.machine.ts';

export const prgExec = executorFor(prgMachine);
export const priExec = executorFor(priCapabilityMachine);
