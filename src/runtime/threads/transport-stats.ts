// What a threaded run's transport did, counted without timing: a worker's passes over its
// inputs, the messages it took, the doorbells it rang and how often that was a real wake-up
// (Atomics.notify), how often it parked; and the orchestrator's polls of the check logs.
// Per fault these are the run's wake-up cost, comparable between machines and loads.

export interface WorkerTransportStats {
  /** Passes of the worker loop over its timers and inbound rings, and those that handled something. */
  passes: number;
  busyPasses: number;
  /** Messages taken from the inbound rings. */
  messagesIn: number;
  /** Doorbells rung (a peer's eventfd signalled after a publish). */
  signals: number;
  /** Atomics.notify calls among them: the peer had announced it was parked. */
  notifies: number;
  /** Atomics.wait calls (the worker parked), and those that ended by their timeout. */
  parks: number;
  parkTimeouts: number;
  /** The thread's time on a CPU and waiting for one from the start to the snapshot (ns; 0 where unknown: thread-cpu.ts). */
  threadCpuNs: number;
  threadRunQueueNs: number;
}

export interface TransportStats extends WorkerTransportStats {
  /** Every thread of the process over the run (start to the workers' stop; process.cpuUsage, ns): the workers, the orchestrator, V8's compiler and GC threads. */
  processCpuNs: number;
  /** The orchestrator's thread over the run (start to the workers' stop; ns; 0 where unknown). */
  orchestratorCpuNs: number;
  orchestratorRunQueueNs: number;
  /** The orchestrator's looks at the control blocks, each a merge of the check logs when the checker is on. */
  polls: number;
  /** Check events merged and handed to the checker. */
  checkEvents: number;
  perWorker: WorkerTransportStats[];
}

export function emptyWorkerTransportStats(): WorkerTransportStats {
  return { passes: 0, busyPasses: 0, messagesIn: 0, signals: 0, notifies: 0, parks: 0, parkTimeouts: 0, threadCpuNs: 0, threadRunQueueNs: 0 };
}

export function sumTransportStats(perWorker: WorkerTransportStats[], orchestrator: { polls: number; checkEvents: number; cpuNs: number; runQueueNs: number; processCpuNs: number }): TransportStats {
  const sum = emptyWorkerTransportStats();
  for (const w of perWorker) for (const k of Object.keys(sum) as (keyof WorkerTransportStats)[]) sum[k] += w[k];
  return {
    ...sum,
    polls: orchestrator.polls,
    checkEvents: orchestrator.checkEvents,
    orchestratorCpuNs: orchestrator.cpuNs,
    orchestratorRunQueueNs: orchestrator.runQueueNs,
    processCpuNs: orchestrator.processCpuNs,
    perWorker,
  };
}
