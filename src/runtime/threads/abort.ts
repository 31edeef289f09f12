// AbortSignal plumbing for the orchestrator: waiting on a promise, a sleep or a deadline
// that gives up the moment a run's signal aborts, with the signal's reason (the run's
// failure) as the error. The orchestrator holds one AbortController per run; these helpers
// keep every await of it cut short by that one signal.

/** `p`, or a rejection with `signal.reason` as soon as `signal` aborts (at once if it already has). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort!));
}

/** Resolves after `ms`, or as soon as `signal` aborts (the caller then looks at the signal). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A signal that aborts with `error()` after `ms` unless the returned `clear` is called first;
 * combined with the run's signal, so a wait ends on whichever comes first.
 */
export function deadline(ms: number, error: () => Error, runSignal: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(error()), ms);
  return { signal: AbortSignal.any([runSignal, timeout.signal]), clear: () => clearTimeout(timer) };
}

/** What an abort reason says, for a message: a string as it is, an Error by its message. */
export function describeReason(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error) return reason.message;
  return String(reason);
}
