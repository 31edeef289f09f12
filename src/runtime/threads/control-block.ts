// Per-worker control words in the run's SharedArrayBuffer: how the orchestrator and a
// worker see each other without messages (progress, parking, control requests, stop).
//
//   word  name            writer        meaning
//   0     kState          worker        0 starting, 1 ready, 2 running, 3 stopped, 4 failed
//   1     kStop           orchestrator  1: finish the current batch and stop
//   2     kCtrlRequested  orchestrator  control calls announced (then the eventfd is signalled)
//   3     kCtrlServed     worker        control calls that reached the worker's event loop
//   4     kSteps          worker        actor steps taken (wraps; compared for change only)
//   5     kWakeEpoch      worker        times the worker woke from parking, but for parks that timed out with nothing signalled
//   6     kParked         worker        1 while parked (or about to park)
//   7     kTimers         worker        timers pending in this worker
//   8     kBlocked        worker        outbound channels refused and waiting for room
//   9     kLogBusy        worker        1 while it holds check-log sequence numbers not yet published
//   10    kLogFloor       worker        while busy: a lower bound of every sequence number it holds
//   11    kLogFull        both          1: the worker waits for room in its check log (orchestrator clears + notifies)

export const kState = 0;
export const kStop = 1;
export const kCtrlRequested = 2;
export const kCtrlServed = 3;
export const kSteps = 4;
export const kWakeEpoch = 5;
export const kParked = 6;
export const kTimers = 7;
export const kBlocked = 8;
export const kLogBusy = 9;
export const kLogFloor = 10;
export const kLogFull = 11;
export const controlWords = 16;
export const controlBytes = controlWords * 4;

export const stateStarting = 0;
export const stateReady = 1;
export const stateRunning = 2;
export const stateStopped = 3;
export const stateFailed = 4;
