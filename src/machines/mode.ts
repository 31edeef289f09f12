// Which engine runs the machines of this thread: the compiled table executor (default) or
// XState's own transition() (reference mode, `faultline run --machines xstate`, for
// debugging a suspected executor difference). The runtimes set it for each run, before the
// first event: a threaded run's worker from its boot data, the simulator and the recorded
// replay from their `machines` option (restoring the previous mode after the run).

export type MachinesMode = 'compiled' | 'xstate';

let current: MachinesMode = 'compiled';

/**
 * Called when the mode changes: the executors that follow it (executorFor without a mode) put
 * their forwarding methods back. They are made once per machine per module, at import time,
 * so this list stays as short as the machines.
 */
const followers: (() => void)[] = [];

export function setMachinesMode(mode: MachinesMode): void {
  if (mode === current) return;
  current = mode;
  for (const f of followers) f();
}

export function onMachinesModeChange(f: () => void): void {
  followers.push(f);
}

export function machinesMode(): MachinesMode {
  return current;
}
