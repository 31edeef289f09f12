// Which engine runs the machines of this thread: the compiled table executor (default) or
// XState's own transition() (reference mode, `faultline run --machines xstate`, for
// debugging a suspected executor difference). The runtimes set it for each run, before the
// first event: a threaded run's worker from its boot data, the simulator and the recorded
// replay from their `machines` option (restoring the previous mode after the run).

export type MachinesMode = 'compiled' | 'xstate';

let current: MachinesMode = 'compiled';

export function setMachinesMode(mode: MachinesMode): void {
  current = mode;
}

export function machinesMode(): MachinesMode {
  return current;
}
