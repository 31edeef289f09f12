// The CPU time of the calling OS thread, from Linux's /proc/thread-self/schedstat: nanoseconds
// on a CPU and nanoseconds runnable but waiting for one. Lets a threaded run say how its CPU
// splits between the workers and the orchestrator's thread (process.cpuUsage sums every
// thread, GC helpers included), and how long its threads queued for a core. null where the
// file does not exist (not Linux); a read is a syscall, so only run boundaries take one.
import { readFileSync } from 'node:fs';

export interface ThreadCpu {
  cpuNs: number;
  runQueueNs: number;
}

export function threadCpu(): ThreadCpu | null {
  try {
    const [cpu, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    const cpuNs = Number(cpu);
    const runQueueNs = Number(wait);
    return Number.isFinite(cpuNs) && Number.isFinite(runQueueNs) ? { cpuNs, runQueueNs } : null;
  } catch {
    return null;
  }
}

/** b − a, or null when either is missing. */
export function threadCpuSince(a: ThreadCpu | null, b: ThreadCpu | null): ThreadCpu | null {
  return a === null || b === null ? null : { cpuNs: b.cpuNs - a.cpuNs, runQueueNs: b.runQueueNs - a.runQueueNs };
}
