// Which engine runs the machines of this thread: the compiled table executor (default) or
// XState's own transition() (reference mode, `faultline run --machines xstate`, for
// debugging a suspected executor difference). Set once per run, before the first event.

export type MachinesMode = 'compiled' | 'xstate';

let current: MachinesMode = 'compiled';

export function setMachinesMode(mode: MachinesMode): void {
  current = mode;
}

export function machinesMode(): MachinesMode {
  return current;
}
